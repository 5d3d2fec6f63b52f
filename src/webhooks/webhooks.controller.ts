import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../platform/operations/audited.decorator.js';
import { CurrentPrincipal, RequireScopes } from '../identity/authentication/access.decorators.js';
import type { Principal } from '../identity/principal.js';
import { IdParamPipe } from '../platform/http/id-param.pipe.js';
import { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import {
  CreateWebhookRequest,
  DeliveryListQuery,
  DeliveryPage,
  DeliveryResponse,
  RecoverWebhookRequest,
  RecoverWebhookResponse,
  UpdateWebhookRequest,
  WebhookPage,
  WebhookResponse,
  WebhookWithSecretResponse,
} from './dto/webhook.dto.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhooksService } from './webhooks.service.js';

@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Post()
  @Audited('webhook.create')
  @RequireScopes('webhooks:manage')
  @ApiCreatedResponse({ type: WebhookWithSecretResponse, description: 'The signing secret is shown only here.' })
  create(@CurrentPrincipal() principal: Principal, @Body() request: CreateWebhookRequest): Promise<WebhookWithSecretResponse> {
    return this.webhooks.create(principal, request);
  }

  @Get()
  @RequireScopes('webhooks:read')
  @ApiOkResponse({ type: WebhookPage })
  list(@CurrentPrincipal() principal: Principal, @Query() page: PageQuery): Promise<Page<WebhookResponse>> {
    return this.webhooks.list(principal, page);
  }

  @Post('deliveries/:deliveryId/retry')
  @Audited('webhook.retry_delivery')
  @HttpCode(202)
  @RequireScopes('webhooks:manage')
  @ApiAcceptedResponse({ type: DeliveryResponse, description: 'Sends the delivery now, with the same webhook-id, also while it waits for an automatic retry. 409 while an attempt is in flight or its endpoint is disabled.' })
  retryDelivery(@CurrentPrincipal() principal: Principal, @Param('deliveryId', IdParamPipe) deliveryId: string): Promise<DeliveryResponse> {
    return this.deliveries.retry(principal, deliveryId);
  }

  @Post(':id/recover')
  @Audited('webhook.recover')
  @HttpCode(202)
  @RequireScopes('webhooks:manage')
  @ApiAcceptedResponse({ type: RecoverWebhookResponse, description: 'Re-sends every failed delivery of the endpoint since `since`.' })
  recover(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string, @Body() request: RecoverWebhookRequest): Promise<RecoverWebhookResponse> {
    return this.deliveries.recover(principal, id, new Date(request.since));
  }

  @Get(':id')
  @RequireScopes('webhooks:read')
  @ApiOkResponse({ type: WebhookResponse })
  get(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<WebhookResponse> {
    return this.webhooks.get(principal, id);
  }

  @Patch(':id')
  @Audited('webhook.update')
  @RequireScopes('webhooks:manage')
  @ApiOkResponse({ type: WebhookResponse })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', IdParamPipe) id: string,
    @Body() request: UpdateWebhookRequest,
  ): Promise<WebhookResponse> {
    return this.webhooks.update(principal, id, request);
  }

  @Delete(':id')
  @Audited('webhook.delete')
  @HttpCode(204)
  @RequireScopes('webhooks:manage')
  @ApiNoContentResponse()
  remove(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<void> {
    return this.webhooks.remove(principal, id);
  }

  @Post(':id/rotate-secret')
  @Audited('webhook.rotate_secret')
  @HttpCode(200)
  @RequireScopes('webhooks:manage')
  @ApiOkResponse({ type: WebhookWithSecretResponse, description: 'The new secret is shown only here; the previous one also signs until previousSecretExpiresAt.' })
  rotateSecret(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<WebhookWithSecretResponse> {
    return this.webhooks.rotateSecret(principal, id);
  }

  @Post(':id/test')
  @Audited('webhook.test')
  @HttpCode(202)
  @RequireScopes('webhooks:manage')
  @ApiAcceptedResponse({ type: DeliveryResponse, description: 'A webhook.test event, sent to this endpoint only.' })
  sendTest(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string): Promise<DeliveryResponse> {
    return this.webhooks.sendTest(principal, id);
  }

  @Get(':id/deliveries')
  @RequireScopes('webhooks:read')
  @ApiOkResponse({ type: DeliveryPage })
  listDeliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('id', IdParamPipe) id: string,
    @Query() query: DeliveryListQuery,
  ): Promise<Page<DeliveryResponse>> {
    return this.deliveries.list(principal, id, query);
  }
}
