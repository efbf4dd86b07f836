export * from './stock-keys';
export * from './stock-shards';
export * from './shard-transfers';
export * from './reservation';
export * from './stock-release';
export * from './stock.store';
export * from './stock.module';
export * from './stock-rebuild';
