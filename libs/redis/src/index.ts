export * from './redis.service';
export * from './redis.module';
export * from './redis-client';
export * from './lua-script';
export * from './redis-servers';
