import { Module } from '@nestjs/common';
import { SaleWatchMetrics } from './sale-watch.metrics';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';

@Module({ controllers: [DashboardController], providers: [DashboardService, SaleWatchMetrics] })
export class DashboardModule {}
