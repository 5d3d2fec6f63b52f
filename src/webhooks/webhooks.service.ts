import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { invalid } from '../platform/http/validation.pipe.js';
import { mapPage } from '../platform/http/pagination/keyset.js';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { AppConfig } from '../platform/config/app-config.js';
import { CurrentOperation } from '../platform/operations/current-operation.js';
import type { Changes } from '../platform/operations/operation.js';
import {
  type CreateWebhookRequest,
  DeliveryResponse,
  type UpdateWebhookRequest,
  WebhookResponse,
  WebhookWithSecretResponse,
} from './dto/webhook.dto.js';
import { EventOutbox } from './event-outbox.service.js';
import type { WebhookEventType } from './outbox-event.entity.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { generateSigningSecret, SecretBox } from './webhook-signing.js';
import { TargetRefused, WebhookTargets } from './webhook-target.js';

/** Webhook endpoints of a company: registration, changes, secret rotation and test events. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly outbox: EventOutbox,
    private readonly secrets: SecretBox,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly operation: CurrentOperation,
    private readonly targets: WebhookTargets,
  ) {}

  /** The URL's DNS resolution (SSRF check) runs before the first query, so outside the write's transaction. */
  async create(principal: Principal, request: CreateWebhookRequest): Promise<WebhookWithSecretResponse> {
    const url = await this.checkedUrl(request.url);
    const secret = generateSigningSecret();
    const endpoint = await this.endpoints.save(
      this.endpoints.create({
        companyId: principal.companyId,
        url,
        events: unique(request.events),
        description: request.description ?? null,
        enabled: true,
        disabledReason: null,
        secretCiphertext: this.secrets.seal(secret),
        previousSecretCiphertext: null,
        previousSecretExpiresAt: null,
        consecutiveFailures: 0,
        failingSince: null,
      }),
    );
    return WebhookWithSecretResponse.withSecret(endpoint, secret);
  }

  async list(principal: Principal, page: PageQuery): Promise<Page<WebhookResponse>> {
    return mapPage(await this.endpoints.listForCompany(principal.companyId, page), (endpoint) => WebhookResponse.of(endpoint));
  }

  async get(principal: Principal, id: string): Promise<WebhookResponse> {
    return WebhookResponse.of(await this.endpoints.getForCompany(principal.companyId, id));
  }

  /** As in create, the new URL is resolved before the first query. */
  async update(principal: Principal, id: string, request: UpdateWebhookRequest): Promise<WebhookResponse> {
    const url = request.url === undefined ? undefined : await this.checkedUrl(request.url);
    const endpoint = await this.endpoints.getForCompany(principal.companyId, id, { lock: true });
    const before = { url: endpoint.url, events: [...endpoint.events], description: endpoint.description, enabled: endpoint.enabled };
    if (url !== undefined) endpoint.url = url;
    if (request.events !== undefined) endpoint.events = unique(request.events);
    if (request.description !== undefined) endpoint.description = request.description;
    if (request.enabled === true && !endpoint.enabled) {
      Object.assign(endpoint, { enabled: true, disabledReason: null, consecutiveFailures: 0, failingSince: null });
    } else if (request.enabled === false && endpoint.enabled) {
      Object.assign(endpoint, { enabled: false, disabledReason: 'manual' });
    }
    const changes: Changes = {};
    for (const field of ['url', 'events', 'description', 'enabled'] as const) {
      if (JSON.stringify(before[field]) !== JSON.stringify(endpoint[field])) changes[field] = { from: before[field], to: endpoint[field] };
    }
    this.operation.describe({ changes: Object.keys(changes).length > 0 ? changes : null });
    return WebhookResponse.of(await this.endpoints.save(endpoint));
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const endpoint = await this.endpoints.getForCompany(principal.companyId, id, { lock: true });
    await this.endpoints.deleteForCompany(principal.companyId, endpoint.id);
  }

  /** A new secret; the previous one keeps signing (beside it) for the configured overlap. */
  async rotateSecret(principal: Principal, id: string): Promise<WebhookWithSecretResponse> {
    const endpoint = await this.endpoints.getForCompany(principal.companyId, id, { lock: true, hidden: ['secretCiphertext', 'previousSecretCiphertext'] });
    const secret = generateSigningSecret();
    endpoint.previousSecretCiphertext = endpoint.secretCiphertext;
    endpoint.previousSecretExpiresAt = new Date(Date.now() + this.config.WEBHOOK_SECRET_ROTATION_OVERLAP_SECONDS * 1000);
    endpoint.secretCiphertext = this.secrets.seal(secret);
    const saved = await this.endpoints.save(endpoint);
    return WebhookWithSecretResponse.withSecret(saved, secret);
  }

  async sendTest(principal: Principal, id: string): Promise<DeliveryResponse> {
    const endpoint = await this.endpoints.getForCompany(principal.companyId, id);
    if (!endpoint.enabled) throw new DomainError('conflict', 'The webhook endpoint is disabled; re-enable it first.');
    const type: WebhookEventType = 'webhook.test';
    const delivery = await this.outbox.recordFor(endpoint, type, {
      id: endpoint.id,
      url: endpoint.url,
      message: 'A test event from Fleetgate.',
    });
    return DeliveryResponse.of(delivery, type, []);
  }

  private async checkedUrl(raw: string): Promise<string> {
    try {
      return (await this.targets.check(raw)).url.toString();
    } catch (error) {
      if (error instanceof TargetRefused) throw invalid([{ field: 'url', message: error.message }]);
      throw error;
    }
  }
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
