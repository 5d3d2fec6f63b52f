import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../platform/operations/audited.decorator.js';
import { CurrentPrincipal, RequireScopes } from '../identity/authentication/access.decorators.js';
import type { Principal } from '../identity/principal.js';
import { IdParamPipe } from '../platform/http/id-param.pipe.js';
import { type Page, pageResponseOf } from '../platform/http/pagination/page-query.dto.js';
import { CustomersService } from './customers.service.js';
import { CreateCustomerRequest, CustomerResponse, ListCustomersQuery, UpdateCustomerRequest } from './dto/customer.dto.js';

@ApiTags('customers')
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @Audited('customer.create')
  @RequireScopes('customers:write')
  @ApiCreatedResponse({ type: CustomerResponse })
  create(@CurrentPrincipal() principal: Principal, @Body() request: CreateCustomerRequest): Promise<CustomerResponse> {
    return this.customers.create(principal, request);
  }

  @Get()
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: pageResponseOf(CustomerResponse, 'CustomerPage'), description: 'Newest first.' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListCustomersQuery): Promise<Page<CustomerResponse>> {
    return this.customers.list(principal, query);
  }

  @Get(':id')
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: CustomerResponse })
  get(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<CustomerResponse> {
    return this.customers.get(principal, id);
  }

  @Patch(':id')
  @Audited('customer.update')
  @RequireScopes('customers:write')
  @ApiOkResponse({ type: CustomerResponse })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', IdParamPipe) id: string,
    @Body() request: UpdateCustomerRequest,
  ): Promise<CustomerResponse> {
    return this.customers.update(principal, id, request);
  }
}
