import { Module } from '@nestjs/common';
import { ServiceModule } from '@app/http';
import { CallbackDeliveries } from './callbacks/callback-deliveries';
import { PaymentBook } from './payments/payment-book';
import { PaymentsController } from './payments/payments.controller';
import { RefundsController } from './payments/refunds.controller';
import { StatementController } from './payments/statement.controller';
import { TestSwitches } from './switches/test-switches';
import { TestSwitchesController } from './switches/test-switches.controller';

/**
 * A payment provider you can run: the stand-in for a real one (its contract is shaped like theirs:
 * idempotent creation, a completion step the buyer takes, capture, refunds, signed callbacks delivered
 * at least once, a statement). It keeps its ledger in memory — it is another company's system, so it
 * shares nothing with the shop (no table in the shop's database), and a restart forgetting everything is
 * the one thing about it the tests do not exercise.
 */
@Module({
  imports: [ServiceModule.forRoot('payment-provider')],
  controllers: [PaymentsController, RefundsController, StatementController, TestSwitchesController],
  providers: [PaymentBook, CallbackDeliveries, TestSwitches],
})
export class PaymentProviderModule {}
