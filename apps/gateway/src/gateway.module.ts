import { Module } from '@nestjs/common';
import { ServiceModule } from '@app/http';
import { ActivitiesModule } from './activities/activities.module';
import { SeckillModule } from './seckill/seckill.module';

@Module({
  imports: [ServiceModule.forRoot('gateway'), ActivitiesModule, SeckillModule],
})
export class GatewayModule {}
