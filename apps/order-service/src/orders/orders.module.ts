import { Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { DatabaseModule } from '@app/database';
import { OrderEventsPublisher } from './order-events.publisher';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { PaidAnnouncements } from './paid-announcements';

@Module({
  imports: [KafkaModule, DatabaseModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrderEventsPublisher, PaidAnnouncements],
  exports: [OrderEventsPublisher, OrdersService, PaidAnnouncements],
})
export class OrdersModule {}
