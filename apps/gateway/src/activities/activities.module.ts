import { Module } from '@nestjs/common';
import { RedisModule } from '@app/redis';
import { StockModule } from '@app/stock';
import { DatabaseModule } from '@app/database';
import { ActivitiesController } from './activities.controller';
import { ActivitiesService } from './activities.service';

@Module({
  imports: [RedisModule, StockModule, DatabaseModule],
  controllers: [ActivitiesController],
  providers: [ActivitiesService],
  exports: [ActivitiesService],
})
export class ActivitiesModule {}
