import { Module } from '@nestjs/common';
import { ServiceModule } from '@app/http';

@Module({
  imports: [ServiceModule.forRoot('order-service')],
})
export class OrderServiceModule {}
