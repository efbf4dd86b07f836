export * from './buyer-token';
export * from './buyer.guard';
export * from './admin.guard';
