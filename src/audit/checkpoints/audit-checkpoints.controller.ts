import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequireScopes, UserRoles } from '../../identity/authentication/access.decorators.js';
import type { Principal } from '../../identity/principal.js';
import { PageQuery, type Page } from '../../platform/http/pagination/page-query.dto.js';
import { Audited } from '../../platform/operations/audited.decorator.js';
import { AuditCheckpoints } from './audit-checkpoints.service.js';
import type { Checkpoint, PublishedAuditKey } from './checkpoint-signature.js';
import { AuditCheckpointPage, AuditCheckpointResponse, AuditKeysResponse } from './checkpoint.dto.js';

@ApiTags('audit')
@Controller('v1/audit-logs/checkpoints')
export class AuditCheckpointsController {
  constructor(private readonly checkpoints: AuditCheckpoints) {}

  @Get()
  @RequireScopes('audit:read')
  @ApiOperation({ summary: 'Signed checkpoints of the company\'s audit chain, newest first.' })
  @ApiOkResponse({ type: AuditCheckpointPage })
  list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery): Promise<Page<Checkpoint>> {
    return this.checkpoints.list(principal.companyId, query.limit, query.cursor);
  }

  @Post()
  @HttpCode(201)
  @UserRoles('owner', 'admin', 'auditor')
  @Audited('audit.checkpoint')
  @ApiOperation({
    summary: 'Signs the chain head now.',
    description: 'The checkpoint covers the events before this request (its own audit event comes after it). When the head was already signed with the current key, that checkpoint is returned (no second webhook). 409 `conflict` when the log has no events.',
  })
  @ApiCreatedResponse({ type: AuditCheckpointResponse })
  create(@CurrentPrincipal() principal: Principal): Promise<Checkpoint> {
    return this.checkpoints.create(principal.companyId);
  }
}

@ApiTags('audit')
@Controller('.well-known/fleetgate')
export class AuditKeysController {
  constructor(private readonly checkpoints: AuditCheckpoints) {}

  @Get('audit-keys')
  @Public()
  @ApiOperation({ summary: 'The public keys that sign audit checkpoints; retired keys stay listed with their validTo.' })
  @ApiOkResponse({ type: AuditKeysResponse })
  keys(): Promise<{ keys: PublishedAuditKey[] }> {
    return this.checkpoints.publishedKeys();
  }
}
