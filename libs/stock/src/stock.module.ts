import { Global, Module } from '@nestjs/common';
import { StockStore } from './stock.store';

@Global()
@Module({ providers: [StockStore], exports: [StockStore] })
export class StockModule {}
