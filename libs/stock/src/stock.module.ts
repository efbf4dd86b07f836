import { Module } from '@nestjs/common';
import { RedisModule } from '@app/redis';
import { ReservationHandoff } from './reservation-handoff';
import { ShardCounts } from './stock-shards';
import { StockStore } from './stock.store';

@Module({
  imports: [RedisModule],
  providers: [StockStore, ReservationHandoff, ShardCounts],
  exports: [StockStore, ReservationHandoff, ShardCounts],
})
export class StockModule {}
