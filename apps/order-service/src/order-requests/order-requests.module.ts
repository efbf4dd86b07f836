import { Module } from '@nestjs/common';
import { StockModule } from '@app/stock';
import { KafkaModule } from '@app/kafka';
import { RedisModule } from '@app/redis';
import { DatabaseModule } from '@app/database';
import { OrdersModule } from '../orders/orders.module';
import { OrderIntakeService } from './order-intake.service';
import { OrderRequestsConsumer } from './order-requests.consumer';
import { RedisRebuild } from '../recovery/redis-rebuild.service';
import { OrderWriter } from './order-writer';

@Module({
  imports: [KafkaModule, RedisModule, DatabaseModule, StockModule, OrdersModule],
  providers: [OrderRequestsConsumer, OrderIntakeService, OrderWriter, RedisRebuild],
  exports: [RedisRebuild],
})
export class OrderRequestsModule {}
