import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, requireSetting } from '../platform/config/app-config.js';
import { EventOutbox } from './event-outbox.service.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { WebhookAttempt } from './webhook-attempt.entity.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { DeliveryQueue } from './webhook-delivery.queue.js';
import { WebhookDeliveryWorker } from './webhook-delivery.worker.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { SecretBox } from './webhook-signing.js';
import { WebhookTargets } from './webhook-target.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([OutboxEvent, WebhookEndpoint, WebhookDelivery, WebhookAttempt])],
  controllers: [WebhooksController],
  providers: [
    {
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new SecretBox(config.WEBHOOK_SECRET_KEY ?? requireSetting(config.API_KEY_PEPPER, 'API_KEY_PEPPER')),
    },
    EventOutbox,
    DeliveryQueue,
    WebhookDeliveryWorker,
    WebhooksService,
    WebhookDeliveriesService,
    WebhookEndpointsRepository,
    WebhookDeliveriesRepository,
    WebhookTargets,
  ],
  exports: [EventOutbox],
})
export class WebhooksModule {}
