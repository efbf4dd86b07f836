import 'reflect-metadata';
import { runService } from '@app/http';
import { OrderServiceModule } from './order-service.module';

void runService(OrderServiceModule, {
  service: 'order-service',
  port: (config) => config.ORDER_SERVICE_PORT,
});
