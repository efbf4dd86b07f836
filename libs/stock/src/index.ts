export * from './stock-keys';
export * from './reservation';
export * from './stock.store';
export * from './stock.module';
export * from './stock-rebuild';
export * from './sale-channels';
