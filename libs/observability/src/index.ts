export * from './json-logger';
export * from './metrics';
export * from './scrape-gauge';
export * from './health.registry';
export * from './observability.module';
export * from './ops-access';
