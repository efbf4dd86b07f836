export * from './entities/activity.entity';
export * from './entities/order.entity';
export * from './data-source';
export * from './database.module';
export * from './migrations';
export * from './query-rows';
