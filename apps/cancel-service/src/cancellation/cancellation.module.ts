import { Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { StockModule } from '@app/stock';
import { DatabaseModule } from '@app/database';
import { CancellationRepository } from './cancellation.repository';
import { CancellationService } from './cancellation.service';
import { OrderEventsPublisher } from './order-events.publisher';

@Module({
  imports: [KafkaModule, StockModule, DatabaseModule],
  providers: [CancellationRepository, CancellationService, OrderEventsPublisher],
  exports: [CancellationService],
})
export class CancellationModule {}
