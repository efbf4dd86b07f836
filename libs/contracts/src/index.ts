export * from './topics';
export * from './messages';
export * from './order-request-batch';
export * from './payments';
export * from './payment-signature';
export * from './user-id';
export * from './waiting-room';
