import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../platform/operations/audited.decorator.js';
import { CurrentPrincipal, UserRoles } from '../identity/authentication/access.decorators.js';
import type { Principal } from '../identity/principal.js';
import { IdParamPipe } from '../platform/http/id-param.pipe.js';
import { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { ROLES } from '../identity/scopes/scope-catalogue.js';
import { AccountService } from './account.service.js';
import { AccountResponse, UserResponse } from '../identity/directory/dto/directory.dto.js';
import { ApiAccessRequest, CreateUserRequest, IpAllowlistRequest, UpdateUserRequest, UserPage } from './dto/account.dto.js';
import { TeamService } from './team.service.js';

@ApiTags('account')
@Controller('v1/account')
export class AccountController {
  constructor(
    private readonly account: AccountService,
    private readonly team: TeamService,
  ) {}

  @Get()
  @UserRoles(...ROLES)
  @ApiOkResponse({ type: AccountResponse })
  get(@CurrentPrincipal() principal: Principal): Promise<AccountResponse> {
    return this.account.get(principal);
  }

  @Put('api-access')
  @Audited('account.api_access.update')
  @UserRoles('owner')
  @ApiOkResponse({ type: AccountResponse })
  setApiAccess(@CurrentPrincipal() principal: Principal, @Body() request: ApiAccessRequest): Promise<AccountResponse> {
    return this.account.setApiAccess(principal, request.enabled);
  }

  @Put('ip-allowlist')
  @Audited('account.ip_allowlist.update')
  @UserRoles('owner')
  @ApiOkResponse({ type: AccountResponse })
  setIpAllowlist(@CurrentPrincipal() principal: Principal, @Body() request: IpAllowlistRequest): Promise<AccountResponse> {
    return this.account.setIpAllowlist(principal, request.cidrs);
  }

  @Get('users')
  @UserRoles('owner')
  @ApiOkResponse({ type: UserPage })
  listUsers(@CurrentPrincipal() principal: Principal, @Query() page: PageQuery): Promise<Page<UserResponse>> {
    return this.team.list(principal, page);
  }

  @Post('users')
  @Audited('user.create')
  @UserRoles('owner')
  @ApiCreatedResponse({ type: UserResponse })
  createUser(@CurrentPrincipal() principal: Principal, @Body() request: CreateUserRequest): Promise<UserResponse> {
    return this.team.create(principal, request);
  }

  @Patch('users/:id')
  @Audited('user.update')
  @UserRoles('owner')
  @ApiOkResponse({ type: UserResponse })
  updateUser(
    @CurrentPrincipal() principal: Principal,
    @Param('id', IdParamPipe) id: string,
    @Body() request: UpdateUserRequest,
  ): Promise<UserResponse> {
    return this.team.update(principal, id, request);
  }

  @Delete('users/:id')
  @Audited('user.remove')
  @HttpCode(204)
  @UserRoles('owner')
  @ApiNoContentResponse({ description: 'Removed; their API keys are revoked with them.' })
  removeUser(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<void> {
    return this.team.remove(principal, id);
  }
}
