import { Body, Controller, Delete, Get, HttpCode, type OnModuleInit, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../platform/operations/audited.decorator.js';
import { CurrentPrincipal, RequireScopes } from '../identity/authentication/access.decorators.js';
import type { Principal } from '../identity/principal.js';
import { IdParamPipe } from '../platform/http/id-param.pipe.js';
import { type JsonText, SendsJsonText } from '../platform/http/json-text.js';
import { ReadAhead, ReadAheads } from '../platform/http/read-ahead.js';
import { type Page, pageResponseOf } from '../platform/http/pagination/page-query.dto.js';
import { CreateVehicleRequest, ListVehiclesQuery, UpdateVehicleRequest, VehicleResponse } from './dto/vehicle.dto.js';
import type { StoredVehicle } from './vehicles.repository.js';
import { VehiclesService } from './vehicles.service.js';

@ApiTags('vehicles')
@Controller('v1/vehicles')
export class VehiclesController implements OnModuleInit {
  constructor(
    private readonly vehicles: VehiclesService,
    private readonly readAheads: ReadAheads,
  ) {}

  /** The hot read starts its row read beside the credential check. */
  onModuleInit(): void {
    this.readAheads.register('GET', '/v1/vehicles/:id', ({ id }) => this.vehicles.readAhead(id));
  }

  @Post()
  @Audited('vehicle.create')
  @RequireScopes('vehicles:write')
  @ApiCreatedResponse({ type: VehicleResponse, description: 'Created; lookupStatus "pending" when DVLA/MOT could not be reached yet.' })
  @ApiConflictResponse({ description: 'problem+json vehicle_exists: an active vehicle of the company has this registration.' })
  create(@CurrentPrincipal() principal: Principal, @Body() request: CreateVehicleRequest): Promise<VehicleResponse> {
    return this.vehicles.create(principal, request);
  }

  @Get()
  @RequireScopes('vehicles:read')
  @ApiOkResponse({ type: pageResponseOf(VehicleResponse, 'VehiclePage'), description: 'Newest first; archived vehicles only with includeArchived=true.' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListVehiclesQuery): Promise<Page<VehicleResponse>> {
    return this.vehicles.list(principal, query);
  }

  @Get(':id')
  @RequireScopes('vehicles:read')
  @SendsJsonText()
  @ApiOkResponse({ type: VehicleResponse })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', IdParamPipe) id: string,
    @ReadAhead() readAhead: Promise<StoredVehicle | undefined> | undefined,
  ): Promise<JsonText> {
    return this.vehicles.get(principal, id, readAhead);
  }

  @Put(':id')
  @Audited('vehicle.update')
  @RequireScopes('vehicles:write')
  @ApiOkResponse({ type: VehicleResponse, description: 'Replaces registration, vin, nickname and mileage; omitted optional fields become null.' })
  replace(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string, @Body() request: CreateVehicleRequest): Promise<VehicleResponse> {
    return this.vehicles.replace(principal, id, request);
  }

  @Patch(':id')
  @Audited('vehicle.update')
  @RequireScopes('vehicles:write')
  @ApiOkResponse({ type: VehicleResponse, description: 'Changes only the given fields; null clears vin, nickname or mileage.' })
  update(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string, @Body() request: UpdateVehicleRequest): Promise<VehicleResponse> {
    return this.vehicles.update(principal, id, request);
  }

  @Delete(':id')
  @Audited('vehicle.archive')
  @RequireScopes('vehicles:write')
  @HttpCode(200)
  @ApiOkResponse({ type: VehicleResponse, description: 'Archived: still readable by id, with archivedAt.' })
  archive(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<VehicleResponse> {
    return this.vehicles.archive(principal, id);
  }

  @Post(':id/refresh-lookup')
  @Audited('vehicle.refresh_lookup')
  @RequireScopes('vehicles:write')
  @HttpCode(200)
  @ApiOkResponse({ type: VehicleResponse })
  refreshLookup(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<VehicleResponse> {
    return this.vehicles.refreshLookup(principal, id);
  }
}
