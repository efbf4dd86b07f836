import { Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { StockModule } from '@app/stock';
import { DatabaseModule } from '@app/database';
import { SaleWatchMetrics } from './sale-watch.metrics';
import { DashboardAccess } from './dashboard-access';
import { DashboardCatalogue } from './dashboard-catalogue';
import { DashboardController } from './dashboard.controller';
import { DashboardFeed } from './dashboard.feed';
import { DashboardService } from './dashboard.service';

@Module({
  imports: [KafkaModule, StockModule, DatabaseModule],
  controllers: [DashboardController],
  providers: [DashboardService, DashboardFeed, DashboardCatalogue, DashboardAccess, SaleWatchMetrics],
})
export class DashboardModule {}
