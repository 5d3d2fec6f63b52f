import { Module } from '@nestjs/common';
import { AuthenticationModule } from '../identity/authentication/authentication.module.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [AuthenticationModule], controllers: [HealthController] })
export class HealthModule {}
