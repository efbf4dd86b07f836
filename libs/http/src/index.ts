export * from './http-error.filter';
export * from './bootstrap';
export * from './api-docs';
export * from './hot-routes';
export * from './wire-errors';
export * from './service.module';
