import 'reflect-metadata';
import { runService } from '@app/http';
import { PaymentProviderModule } from './payment-provider.module';

void runService(PaymentProviderModule, {
  service: 'payment-provider',
  port: (config) => config.PAYMENT_PROVIDER_PORT,
});
