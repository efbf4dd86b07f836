import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { OrderIntakeService } from './order-intake.service';
import { OrderRequestsConsumer } from './order-requests.consumer';
import { RedisRebuild } from '../recovery/redis-rebuild.service';
import { OrderWriter } from './order-writer';
import { ReservationHandoff } from './reservation-handoff';

@Module({
  imports: [OrdersModule],
  providers: [OrderRequestsConsumer, OrderIntakeService, OrderWriter, ReservationHandoff, RedisRebuild],
  exports: [RedisRebuild],
})
export class OrderRequestsModule {}
