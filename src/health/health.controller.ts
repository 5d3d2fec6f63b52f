import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../identity/authentication/access.decorators.js';
import { RateLimitStore, type RateLimitStoreState } from '../identity/authentication/rate-limit.store.js';
import { DomainError } from '../platform/http/domain-error.js';
import { Lifecycle } from '../platform/lifecycle/lifecycle.js';

class LiveResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

class ReadyResponse extends LiveResponse {
  @ApiProperty({ enum: ['ok'] }) database!: 'ok';
  @ApiProperty({ enum: ['shared', 'local', 'local-fallback'] }) rateLimitStore!: RateLimitStoreState;
}

@ApiTags('health')
@Controller('v1/health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rateLimits: RateLimitStore,
    private readonly lifecycle: Lifecycle,
  ) {}

  @Get('live')
  @Public()
  @ApiOkResponse({ type: LiveResponse })
  live(): LiveResponse {
    return { status: 'ok' };
  }

  /**
   * 200 while the database answers; 503 from SIGTERM on (the drain: a load balancer moves traffic
   * away while requests are still served). `rateLimitStore` says where rate limits are counted:
   * `local-fallback` means the shared store (Redis) failed or stalled — still ready.
   */
  @Get('ready')
  @Public()
  @ApiOkResponse({ type: ReadyResponse, description: 'The database answered; 503 problem+json when it does not.' })
  async ready(): Promise<{ status: 'ok'; database: 'ok'; rateLimitStore: RateLimitStoreState }> {
    if (this.lifecycle.draining) throw new DomainError('dependency_unavailable', 'The instance is shutting down.');
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new DomainError('dependency_unavailable', 'The database is unavailable.');
    }
    return { status: 'ok', database: 'ok', rateLimitStore: this.rateLimits.state };
  }
}
