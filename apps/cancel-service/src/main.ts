import 'reflect-metadata';
import { runService } from '@app/http';
import { CancelServiceModule } from './cancel-service.module';

void runService(CancelServiceModule, {
  service: 'cancel-service',
  port: (config) => config.CANCEL_SERVICE_PORT,
});
