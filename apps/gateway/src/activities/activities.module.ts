import { Module } from '@nestjs/common';
import { RedisModule } from '@app/redis';
import { StockModule } from '@app/stock';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivityEntity, DatabaseModule } from '@app/database';
import { ActivitiesController } from './activities.controller';
import { ActivitiesService } from './activities.service';

@Module({
  imports: [RedisModule, StockModule, DatabaseModule, TypeOrmModule.forFeature([ActivityEntity])],
  controllers: [ActivitiesController],
  providers: [ActivitiesService],
  exports: [ActivitiesService],
})
export class ActivitiesModule {}
