import { Module } from '@nestjs/common';
import { DatabaseModule } from '@app/database';
import { KafkaModule } from '@app/kafka';
import { OrdersModule } from '../orders/orders.module';
import { PaymentCallbacksService } from './payment-callbacks.service';
import { PaymentEventsPublisher } from './payment-events.publisher';
import { PaymentProviderClient } from './payment-provider.client';
import { PaymentStartService } from './payment-start.service';
import { PaymentsController } from './payments.controller';
import { RefundAnnouncements } from './refund-announcements';
import { RefundRequests } from './refund-requests';
import { RefundsConsumer } from './refunds.consumer';

/** Payments at the provider: starting one, its signed callbacks, and the refund saga of late payments. */
@Module({
  imports: [KafkaModule, DatabaseModule, OrdersModule],
  controllers: [PaymentsController],
  providers: [
    PaymentStartService,
    PaymentCallbacksService,
    PaymentEventsPublisher,
    PaymentProviderClient,
    RefundRequests,
    RefundAnnouncements,
    RefundsConsumer,
  ],
})
export class PaymentsModule {}
