import { Module } from '@nestjs/common';
import { ServiceModule } from '@app/http';
import { ActivitiesModule } from './activities/activities.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { RetentionModule } from './retention/retention.module';
import { BlacklistAdminModule } from './risk/blacklist-admin.module';
import { SeckillModule } from './seckill/seckill.module';

@Module({
  imports: [
    ServiceModule.forRoot('gateway'),
    ActivitiesModule,
    BlacklistAdminModule,
    SeckillModule,
    DashboardModule,
    RetentionModule,
  ],
})
export class GatewayModule {}
