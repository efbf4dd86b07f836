import { Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { StockModule } from '@app/stock';
import { DatabaseModule } from '@app/database';
import { SaleWatchMetrics } from './sale-watch.metrics';
import { DashboardAccess } from './dashboard-access';
import { DashboardCatalogue } from './dashboard-catalogue';
import { DashboardController } from './dashboard.controller';
import { ConsumerLags } from './consumer-lags';
import { DashboardFeed } from './dashboard.feed';
import { DashboardRecorder } from './dashboard.recorder';
import { DashboardService } from './dashboard.service';
import { WaitingRoomModule } from '../waiting-room/waiting-room.module';

@Module({
  imports: [KafkaModule, StockModule, DatabaseModule, WaitingRoomModule],
  controllers: [DashboardController],
  providers: [
    ConsumerLags,
    DashboardService,
    DashboardFeed,
    DashboardRecorder,
    DashboardCatalogue,
    DashboardAccess,
    SaleWatchMetrics,
  ],
})
export class DashboardModule {}
