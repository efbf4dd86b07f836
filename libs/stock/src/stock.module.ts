import { Module } from '@nestjs/common';
import { RedisModule } from '@app/redis';
import { StockStore } from './stock.store';

@Module({ imports: [RedisModule], providers: [StockStore], exports: [StockStore] })
export class StockModule {}
