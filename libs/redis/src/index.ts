export * from './redis.service';
export * from './redis.module';
export * from './lua-script';
