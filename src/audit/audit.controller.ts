import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes } from '../identity/authentication/access.decorators.js';
import type { Principal } from '../identity/principal.js';
import { IdParamPipe } from '../platform/http/id-param.pipe.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditActionCatalogue, AuditEventPage, AuditEventResponse, AuditVerifyResponse } from './dto/audit-event.dto.js';
import { AuditExportQuery, AuditLogQuery, AuditRangeQuery } from './dto/audit-query.dto.js';

// /actions, /export and /verify are declared before /:id so they are never read as an id.
@ApiTags('audit')
@Controller('v1/audit-logs')
export class AuditController {
  constructor(
    private readonly log: AuditLogService,
    private readonly exporter: AuditExportService,
  ) {}

  @Get()
  @RequireScopes('audit:read')
  @ApiOkResponse({ type: AuditEventPage, description: 'Newest first.' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: AuditLogQuery): Promise<Page<AuditEventResponse>> {
    return this.log.list(principal, query);
  }

  @Get('actions')
  @RequireScopes('audit:read')
  @ApiOkResponse({ type: AuditActionCatalogue })
  actions(): AuditActionCatalogue {
    return AuditActionCatalogue.all();
  }

  @Get('export')
  @RequireScopes('audit:read')
  @ApiOperation({ summary: 'Streams the log oldest first (chain order): CSV (RFC 4180, header row, formula-safe) or NDJSON.' })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({ description: 'The events in the range, streamed.' })
  export(@CurrentPrincipal() principal: Principal, @Query() query: AuditExportQuery): Promise<StreamableFile> {
    return this.exporter.export(principal, query);
  }

  @Get('verify')
  @RequireScopes('audit:read')
  @ApiOperation({ summary: 'Re-computes the hash chain over the range.' })
  @ApiOkResponse({ type: AuditVerifyResponse })
  verify(@CurrentPrincipal() principal: Principal, @Query() query: AuditRangeQuery): Promise<AuditVerifyResponse> {
    return this.log.verify(principal, query);
  }

  @Get(':id')
  @RequireScopes('audit:read')
  @ApiOkResponse({ type: AuditEventResponse })
  get(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<AuditEventResponse> {
    return this.log.get(principal, id);
  }
}
