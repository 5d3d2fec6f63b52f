import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../platform/operations/audited.decorator.js';
import { CurrentPrincipal, RequireScopes, UserRoles } from '../identity/authentication/access.decorators.js';
import type { Principal } from '../identity/principal.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import { CreditsService } from './credits.service.js';
import { CreditsResponse, LedgerEntryResponse, LedgerPageResponse, LedgerQuery, TopUpRequest } from './dto/credits.dto.js';

@ApiTags('credits')
@Controller('v1/credits')
export class CreditsController {
  constructor(private readonly credits: CreditsService) {}

  @Get()
  @RequireScopes('credits:read')
  @ApiOkResponse({ type: CreditsResponse })
  balance(@CurrentPrincipal() principal: Principal): Promise<CreditsResponse> {
    return this.credits.balance(principal);
  }

  @Get('transactions')
  @RequireScopes('credits:read')
  @ApiOkResponse({ type: LedgerPageResponse })
  transactions(@CurrentPrincipal() principal: Principal, @Query() query: LedgerQuery): Promise<Page<LedgerEntryResponse>> {
    return this.credits.transactions(principal, query);
  }

  @Post('top-ups')
  @Audited('credits.top_up')
  @UserRoles('owner')
  @ApiCreatedResponse({ type: LedgerEntryResponse })
  topUp(@CurrentPrincipal() principal: Principal, @Body() request: TopUpRequest): Promise<LedgerEntryResponse> {
    return this.credits.topUp(principal, request);
  }
}
