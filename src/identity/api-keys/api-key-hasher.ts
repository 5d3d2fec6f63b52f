import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, requireSetting } from '../../platform/config/app-config.js';

/**
 * Keyed hash of API-key secrets: HMAC-SHA-256 with a server-side pepper. The secret is high-entropy,
 * so a slow password hash would only cost milliseconds per request; without the pepper a stolen table
 * is useless.
 */
@Injectable()
export class ApiKeyHasher {
  private readonly pepper: string;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.pepper = requireSetting(config.API_KEY_PEPPER, 'API_KEY_PEPPER');
  }

  hash(secret: string): string {
    return createHmac('sha256', this.pepper).update(secret).digest('hex');
  }

  /** Constant-time comparison of two hex digests. */
  static same(a: string | null | undefined, b: string): boolean {
    if (!a || a.length !== b.length) return false;
    return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
  }
}
