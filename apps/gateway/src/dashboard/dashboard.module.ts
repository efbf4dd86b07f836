import { Module } from '@nestjs/common';
import { SaleWatchMetrics } from './sale-watch.metrics';
import { DashboardAccess } from './dashboard-access';
import { DashboardController } from './dashboard.controller';
import { DashboardFeed } from './dashboard.feed';
import { DashboardService } from './dashboard.service';

@Module({
  controllers: [DashboardController],
  providers: [DashboardService, DashboardFeed, DashboardAccess, SaleWatchMetrics],
})
export class DashboardModule {}
