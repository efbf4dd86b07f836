import { Module } from '@nestjs/common';
import { CancellationRepository } from './cancellation.repository';
import { CancellationService } from './cancellation.service';
import { OrderEventsPublisher } from './order-events.publisher';

@Module({
  providers: [CancellationRepository, CancellationService, OrderEventsPublisher],
  exports: [CancellationService],
})
export class CancellationModule {}
