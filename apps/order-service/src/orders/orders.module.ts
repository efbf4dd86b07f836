import { Module } from '@nestjs/common';
import { OrderEventsPublisher } from './order-events.publisher';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

@Module({
  controllers: [OrdersController],
  providers: [OrdersService, OrderEventsPublisher],
  exports: [OrderEventsPublisher],
})
export class OrdersModule {}
