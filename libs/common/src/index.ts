export * from './app-error';
export * from './error-response';
export * from './zod-validation.pipe';
export * from './periodic-task';
