import { Module } from '@nestjs/common';
import { RedisModule } from '@app/redis';
import { ReservationHandoff } from './reservation-handoff';
import { StockStore } from './stock.store';

@Module({
  imports: [RedisModule],
  providers: [StockStore, ReservationHandoff],
  exports: [StockStore, ReservationHandoff],
})
export class StockModule {}
