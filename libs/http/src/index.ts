export * from './app-error';
export * from './error-response';
export * from './http-error.filter';
export * from './zod-validation.pipe';
export * from './bootstrap';
export * from './service.module';
