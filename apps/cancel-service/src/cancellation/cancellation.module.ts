import { Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { StockModule } from '@app/stock';
import { DatabaseModule } from '@app/database';
import { CancellationRepository, CancellationService } from './cancellation.service';
import { CancellationEventsPublisher } from './cancellation-events.publisher';

@Module({
  imports: [KafkaModule, StockModule, DatabaseModule],
  providers: [CancellationRepository, CancellationService, CancellationEventsPublisher],
  exports: [CancellationService],
})
export class CancellationModule {}
