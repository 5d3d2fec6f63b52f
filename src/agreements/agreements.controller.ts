import { Body, Controller, Get, HttpCode, Param, Post, Query, type StreamableFile } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Audited } from '../platform/operations/audited.decorator.js';
import { CurrentPrincipal, RequireScopes } from '../identity/authentication/access.decorators.js';
import type { Principal } from '../identity/principal.js';
import { IdParamPipe } from '../platform/http/id-param.pipe.js';
import { Page } from '../platform/http/pagination/page-query.dto.js';
import { CreditCost } from '../platform/operations/credit-cost.decorator.js';
import { AgreementsService } from './agreements.service.js';
import {
  AgreementPageResponse,
  AgreementResponse,
  CreateAgreementRequest,
  ListAgreementsQuery,
  SignAgreementRequest,
} from './dto/agreement.dto.js';

@ApiTags('agreements')
@Controller('v1/agreements')
export class AgreementsController {
  constructor(private readonly agreements: AgreementsService) {}

  @Post()
  @Audited('agreement.create')
  @CreditCost(1, 'agreement')
  @RequireScopes('agreements:write')
  @ApiCreatedResponse({ type: AgreementResponse })
  create(@CurrentPrincipal() principal: Principal, @Body() request: CreateAgreementRequest): Promise<AgreementResponse> {
    return this.agreements.create(principal, request);
  }

  @Post(':id/sign')
  @HttpCode(200)
  @Audited('agreement.sign')
  @RequireScopes('agreements:write')
  @ApiOkResponse({ type: AgreementResponse })
  @ApiConflictResponse({ description: 'problem+json: conflict (already signed)' })
  sign(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string, @Body() request: SignAgreementRequest): Promise<AgreementResponse> {
    return this.agreements.sign(principal, id, request);
  }

  @Get()
  @RequireScopes('agreements:read')
  @ApiOkResponse({ type: AgreementPageResponse })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListAgreementsQuery): Promise<Page<AgreementResponse>> {
    return this.agreements.list(principal, query);
  }

  @Get(':id')
  @RequireScopes('agreements:read')
  @ApiOkResponse({ type: AgreementResponse })
  get(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<AgreementResponse> {
    return this.agreements.get(principal, id);
  }

  @Get(':id/document')
  @RequireScopes('agreements:read')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The agreement document; the signature block appears once signed.', schema: { type: 'string', format: 'binary' } })
  document(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<StreamableFile> {
    return this.agreements.document(principal, id);
  }
}
