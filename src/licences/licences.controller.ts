import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Audited } from '../platform/operations/audited.decorator.js';
import { CurrentPrincipal, RequireScopes } from '../identity/authentication/access.decorators.js';
import type { Principal } from '../identity/principal.js';
import { IdParamPipe } from '../platform/http/id-param.pipe.js';
import { type Page, pageResponseOf } from '../platform/http/pagination/page-query.dto.js';
import { CreateLicenceCheckRequest, LicenceCheckResponse, ListLicenceChecksQuery } from './dto/licence-check.dto.js';
import { LicencesService } from './licences.service.js';

@ApiTags('licence checks')
@Controller('v1/licence-checks')
export class LicencesController {
  constructor(private readonly licences: LicencesService) {}

  @Post()
  @Audited('licence_check.create')
  @RequireScopes('licences:write')
  @ApiCreatedResponse({ type: LicenceCheckResponse, description: 'Free (no credit). A flagged check fires licence.flagged.' })
  @ApiUnprocessableEntityResponse({ description: 'problem+json ni_licence_unsupported or share_code_invalid' })
  create(@CurrentPrincipal() principal: Principal, @Body() request: CreateLicenceCheckRequest): Promise<LicenceCheckResponse> {
    return this.licences.create(principal, request);
  }

  @Get()
  @RequireScopes('licences:read')
  @ApiOkResponse({ type: pageResponseOf(LicenceCheckResponse, 'LicenceCheckPage'), description: 'Newest first.' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListLicenceChecksQuery): Promise<Page<LicenceCheckResponse>> {
    return this.licences.list(principal, query);
  }

  @Get(':id')
  @RequireScopes('licences:read')
  @ApiOkResponse({ type: LicenceCheckResponse })
  get(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<LicenceCheckResponse> {
    return this.licences.get(principal, id);
  }
}
