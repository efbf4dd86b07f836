import 'reflect-metadata';
import { runService } from '@app/http';
import { GatewayModule } from './gateway.module';

void runService(GatewayModule, { service: 'gateway', port: (config) => config.GATEWAY_PORT });
