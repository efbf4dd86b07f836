import { Module } from '@nestjs/common';
import { OrderEventsPublisher } from './order-events.publisher';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { PaidAnnouncements } from './paid-announcements';

@Module({
  controllers: [OrdersController],
  providers: [OrdersService, OrderEventsPublisher, PaidAnnouncements],
  exports: [OrderEventsPublisher],
})
export class OrdersModule {}
