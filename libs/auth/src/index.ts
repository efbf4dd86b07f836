export * from './buyer-token';
export * from './buyer.guard';
export * from './admin.guard';
export * from './bearer-secret.guard';
export * from './secret-match';
