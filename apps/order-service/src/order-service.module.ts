import { Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { RedisModule } from '@app/redis';
import { StockModule } from '@app/stock';
import { ServiceModule } from '@app/http';
import { OrderRequestsModule } from './order-requests/order-requests.module';
import { OrdersModule } from './orders/orders.module';
import { PaymentsModule } from './payments/payments.module';
import { ReservationRecoveryService } from './recovery/reservation-recovery.service';

@Module({
  imports: [
    ServiceModule.forRoot('order-service'),
    KafkaModule,
    RedisModule,
    StockModule,
    OrdersModule,
    OrderRequestsModule,
    PaymentsModule,
  ],
  providers: [ReservationRecoveryService],
})
export class OrderServiceModule {}
