export * from './app-error';
export * from './error-response';
export * from './http-error.filter';
export * from './zod-validation.pipe';
export * from './bootstrap';
export * from './json-body';
export * from './wire-errors';
export * from './service.module';
