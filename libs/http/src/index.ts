export * from './http-error.filter';
export * from './bootstrap';
export * from './api-docs';
export * from './json-body';
export * from './hot-routes';
export * from './request-context';
export * from './wire-errors';
export * from './service.module';
