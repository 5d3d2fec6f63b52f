import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../identity/authentication/access.decorators.js';
import { DomainError } from '../platform/http/domain-error.js';

@ApiTags('health')
@Controller('v1/health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('live')
  @Public()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  async ready(): Promise<{ status: 'ok'; database: 'ok' }> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new DomainError('dependency_unavailable', 'The database is unavailable.');
    }
    return { status: 'ok', database: 'ok' };
  }
}
