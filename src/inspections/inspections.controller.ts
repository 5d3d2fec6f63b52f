import { Body, Controller, Get, HttpCode, Param, Post, Query, type StreamableFile } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Audited } from '../platform/operations/audited.decorator.js';
import { CurrentPrincipal, RequireScopes } from '../identity/authentication/access.decorators.js';
import type { Principal } from '../identity/principal.js';
import { IdParamPipe } from '../platform/http/id-param.pipe.js';
import { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { CreditCost } from '../platform/operations/credit-cost.decorator.js';
import {
  CreateInspectionRequest,
  InspectionPageResponse,
  InspectionResponse,
  InspectionTemplatePageResponse,
  InspectionTemplateResponse,
  ListInspectionsQuery,
  SignOffRequest,
} from './dto/inspection.dto.js';
import { InspectionTemplatesService } from './inspection-templates.service.js';
import { InspectionsService } from './inspections.service.js';

@ApiTags('inspections')
@Controller('v1')
export class InspectionsController {
  constructor(
    private readonly inspections: InspectionsService,
    private readonly templates: InspectionTemplatesService,
  ) {}

  @Get('inspection-templates')
  @RequireScopes('inspections:read')
  @ApiOkResponse({ type: InspectionTemplatePageResponse })
  listTemplates(@CurrentPrincipal() principal: Principal, @Query() page: PageQuery): Promise<Page<InspectionTemplateResponse>> {
    return this.templates.list(principal, page);
  }

  @Post('inspections')
  @Audited('inspection.create')
  @CreditCost(1, 'inspection')
  @RequireScopes('inspections:write')
  @ApiCreatedResponse({ type: InspectionResponse })
  create(@CurrentPrincipal() principal: Principal, @Body() request: CreateInspectionRequest): Promise<InspectionResponse> {
    return this.inspections.create(principal, request);
  }

  @Post('inspections/:id/sign-off')
  @HttpCode(200)
  @Audited('inspection.sign_off')
  @RequireScopes('inspections:write')
  @ApiOkResponse({ type: InspectionResponse })
  @ApiConflictResponse({ description: 'problem+json: conflict (already signed off)' })
  signOff(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string, @Body() request: SignOffRequest): Promise<InspectionResponse> {
    return this.inspections.signOff(principal, id, request);
  }

  @Get('inspections')
  @RequireScopes('inspections:read')
  @ApiOkResponse({ type: InspectionPageResponse })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListInspectionsQuery): Promise<Page<InspectionResponse>> {
    return this.inspections.list(principal, query);
  }

  @Get('inspections/:id')
  @RequireScopes('inspections:read')
  @ApiOkResponse({ type: InspectionResponse })
  get(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<InspectionResponse> {
    return this.inspections.get(principal, id);
  }

  @Get('inspections/:id/pdf')
  @RequireScopes('inspections:read')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The report of a completed inspection.', schema: { type: 'string', format: 'binary' } })
  @ApiConflictResponse({ description: 'problem+json: not_signed_off (a draft has no report)' })
  pdf(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<StreamableFile> {
    return this.inspections.pdf(principal, id);
  }
}
