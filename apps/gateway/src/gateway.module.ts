import { Module } from '@nestjs/common';
import { ServiceModule } from '@app/http';

@Module({
  imports: [ServiceModule.forRoot('gateway')],
})
export class GatewayModule {}
