import { Module } from '@nestjs/common';
import { ServiceModule } from '@app/http';
import { ActivitiesModule } from './activities/activities.module';
import { AdminModule } from './admin/admin.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { RetentionModule } from './retention/retention.module';
import { SeckillModule } from './seckill/seckill.module';

@Module({
  imports: [
    ServiceModule.forRoot('gateway'),
    ActivitiesModule,
    AdminModule,
    SeckillModule,
    DashboardModule,
    RetentionModule,
  ],
})
export class GatewayModule {}
