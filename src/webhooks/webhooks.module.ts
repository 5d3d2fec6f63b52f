import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventOutbox } from './event-outbox.service.js';
import { OutboxEvent } from './outbox-event.entity.js';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEvent])],
  providers: [EventOutbox],
  exports: [EventOutbox],
})
export class WebhooksModule {}
