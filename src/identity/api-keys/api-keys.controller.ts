import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../../platform/operations/audited.decorator.js';
import { CurrentPrincipal, UserRoles } from '../authentication/access.decorators.js';
import type { Principal } from '../principal.js';
import type { Page } from '../../platform/http/pagination/page-query.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { KeyUsageService } from './key-usage.service.js';
import {
  ApiKeyPage,
  ApiKeyResponse,
  ApiKeyWithSecretResponse,
  CreateApiKeyRequest,
  KeyUsageQuery,
  KeyUsageResponse,
  ListApiKeysQuery,
  RevokeApiKeyRequest,
  RotateApiKeyRequest,
  UpdateApiKeyRequest,
} from './dto/api-key.dto.js';
import { PublicIdPipe } from './public-id.pipe.js';

@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly usageReader: KeyUsageService,
  ) {}

  @Post()
  @Audited('api_key.create')
  @UserRoles('owner', 'admin')
  @ApiCreatedResponse({ type: ApiKeyWithSecretResponse })
  create(@CurrentPrincipal() principal: Principal, @Body() request: CreateApiKeyRequest): Promise<ApiKeyWithSecretResponse> {
    return this.keys.create(principal, request);
  }

  @Get()
  @UserRoles('owner', 'admin', 'auditor')
  @ApiOkResponse({ type: ApiKeyPage })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListApiKeysQuery): Promise<Page<ApiKeyResponse>> {
    return this.keys.list(principal, query);
  }

  @Post('revoke')
  @HttpCode(200)
  @Audited('api_key.revoke')
  @UserRoles('owner', 'admin')
  @ApiOkResponse({ type: ApiKeyResponse })
  revokeByBody(@CurrentPrincipal() principal: Principal, @Body() request: RevokeApiKeyRequest): Promise<ApiKeyResponse> {
    return this.keys.revoke(principal, request.publicId);
  }

  @Get(':publicId/usage')
  @UserRoles('owner', 'admin', 'auditor')
  @ApiOkResponse({ type: KeyUsageResponse })
  usage(@CurrentPrincipal() principal: Principal, @Param('publicId', PublicIdPipe) publicId: string, @Query() query: KeyUsageQuery): Promise<KeyUsageResponse> {
    return this.usageReader.usage(principal, publicId, query);
  }

  @Get(':publicId')
  @UserRoles('owner', 'admin', 'auditor')
  @ApiOkResponse({ type: ApiKeyResponse })
  get(@CurrentPrincipal() principal: Principal, @Param('publicId', PublicIdPipe) publicId: string): Promise<ApiKeyResponse> {
    return this.keys.get(principal, publicId);
  }

  @Patch(':publicId')
  @Audited('api_key.update')
  @UserRoles('owner', 'admin')
  @ApiOkResponse({ type: ApiKeyResponse })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('publicId', PublicIdPipe) publicId: string,
    @Body() request: UpdateApiKeyRequest,
  ): Promise<ApiKeyResponse> {
    return this.keys.update(principal, publicId, request);
  }

  @Delete(':publicId')
  @Audited('api_key.revoke')
  @UserRoles('owner', 'admin')
  @ApiOkResponse({ type: ApiKeyResponse })
  revoke(@CurrentPrincipal() principal: Principal, @Param('publicId', PublicIdPipe) publicId: string): Promise<ApiKeyResponse> {
    return this.keys.revoke(principal, publicId);
  }

  @Post(':publicId/rotate')
  @HttpCode(200)
  @Audited('api_key.rotate')
  @UserRoles('owner', 'admin')
  @ApiOkResponse({ type: ApiKeyWithSecretResponse })
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('publicId', PublicIdPipe) publicId: string,
    @Body() request: RotateApiKeyRequest,
  ): Promise<ApiKeyWithSecretResponse> {
    return this.keys.rotate(principal, publicId, request.gracePeriodSeconds);
  }
}
