export * from './messages';
export * from './payments';
export * from './payment-signature';
export * from './user-id';
export * from './waiting-room';
export * from './purchase';
export * from './refusals';
