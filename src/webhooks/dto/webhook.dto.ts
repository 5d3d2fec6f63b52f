import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, MinLength } from 'class-validator';
import { IsOmittable, MaxLength } from '../../platform/validation/validators.js';
import { PageQuery } from '../../platform/http/pagination/page-query.dto.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../outbox-event.entity.js';
import { DELIVERY_STATUSES, type DeliveryStatus, type WebhookDelivery } from '../webhook-delivery.entity.js';
import type { WebhookAttempt } from '../webhook-attempt.entity.js';
import type { WebhookDisabledReason, WebhookEndpoint } from '../webhook-endpoint.entity.js';

export class CreateWebhookRequest {
  @ApiProperty({ example: 'https://example.com/fleetgate/webhooks', description: 'https; must resolve to a public address.' })
  @IsString() @MinLength(1) @MaxLength(2048)
  url!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['inspection.completed', 'agreement.signed'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length) @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events!: WebhookEventType[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOmittable() @IsString() @MaxLength(500)
  description?: string;
}

export class RecoverWebhookRequest {
  @ApiProperty({ description: 'ISO 8601: failed deliveries created at or after this instant are sent again.', example: '2026-11-25T00:00:00Z' })
  @IsISO8601({ strict: true })
  since!: string;
}

export class RecoverWebhookResponse {
  @ApiProperty({ description: 'Deliveries sent again.' }) queued!: number;
}

export class UpdateWebhookRequest {
  @ApiPropertyOptional({ example: 'https://example.com/fleetgate/webhooks' })
  @IsOmittable() @IsString() @MinLength(1) @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsOmittable() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length) @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true })
  @IsOptional() @IsString() @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ description: 'true re-enables a disabled endpoint and clears its failure state.' })
  @IsOmittable() @IsBoolean()
  enabled?: boolean;
}

export class DeliveryListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOmittable() @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class WebhookResponse {
  @ApiProperty() id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events!: WebhookEventType[];
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: String, nullable: true, enum: ['gone', 'failing', 'manual', null], description: 'Why a disabled endpoint stopped receiving events.' })
  disabledReason!: WebhookDisabledReason | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(endpoint: WebhookEndpoint): WebhookResponse {
    return {
      id: endpoint.id,
      url: endpoint.url,
      events: endpoint.events,
      description: endpoint.description,
      enabled: endpoint.enabled,
      disabledReason: endpoint.disabledReason,
      createdAt: endpoint.createdAt.toISOString(),
      updatedAt: endpoint.updatedAt.toISOString(),
    };
  }
}

/** Creation and rotation: the only answers that ever carry the signing secret. */
export class WebhookWithSecretResponse extends WebhookResponse {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'Shown once. Verify deliveries with it (Standard Webhooks).' })
  secret!: string;

  @ApiPropertyOptional({ description: 'After a rotation: until when the previous secret also signs.' })
  previousSecretExpiresAt?: string;

  static withSecret(endpoint: WebhookEndpoint, secret: string): WebhookWithSecretResponse {
    const previous = endpoint.previousSecretExpiresAt;
    return { ...WebhookResponse.of(endpoint), secret, ...(previous ? { previousSecretExpiresAt: previous.toISOString() } : {}) };
  }
}

export class DeliveryAttemptResponse {
  @ApiProperty() attemptedAt!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'null when no HTTP answer came (refused target, timeout, network error).' })
  httpStatus!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'null while the attempt is in flight.' }) durationMs!: number | null;
  @ApiProperty({ nullable: true, type: String, description: '"in progress" while in flight; "interrupted: …" when the delivering instance stopped mid-attempt.' })
  error!: string | null;

  static of(attempt: WebhookAttempt): DeliveryAttemptResponse {
    const inFlight = attempt.inFlightUntil !== null;
    return { attemptedAt: attempt.attemptedAt.toISOString(), httpStatus: attempt.httpStatus, durationMs: attempt.durationMs, error: inFlight ? 'in progress' : attempt.error };
  }
}

export class DeliveryResponse {
  @ApiProperty() id!: string;
  @ApiProperty() endpointId!: string;
  @ApiProperty({ description: 'The event id, sent as `webhook-id` on every attempt.' }) eventId!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) eventType!: WebhookEventType;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty() attemptCount!: number;
  @ApiProperty({ nullable: true, type: String }) nextAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the last try failed, e.g. "HTTP 500" or "endpoint disabled" (then without an attempt).' })
  lastError!: string | null;
  @ApiProperty({ type: [DeliveryAttemptResponse], description: 'Oldest first.' }) attempts!: DeliveryAttemptResponse[];
  @ApiProperty() createdAt!: string;

  static of(delivery: WebhookDelivery, eventType: WebhookEventType, attempts: WebhookAttempt[]): DeliveryResponse {
    return {
      id: delivery.id,
      endpointId: delivery.endpointId,
      eventId: delivery.eventId,
      eventType,
      status: delivery.status,
      attemptCount: delivery.attemptCount,
      nextAttemptAt: delivery.status === 'pending' && delivery.nextAttemptAt ? delivery.nextAttemptAt.toISOString() : null,
      lastError: delivery.status === 'succeeded' ? null : delivery.lastError,
      attempts: attempts.map((attempt) => DeliveryAttemptResponse.of(attempt)),
      createdAt: delivery.createdAt.toISOString(),
    };
  }
}

export class DeliveryPage {
  @ApiProperty({ type: [DeliveryResponse] }) data!: DeliveryResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class WebhookPage {
  @ApiProperty({ type: [WebhookResponse] }) data!: WebhookResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
