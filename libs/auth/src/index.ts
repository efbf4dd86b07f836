export * from './buyer-token';
export * from './buyer.guard';
export * from './admin.guard';
export * from './bearer-secret.guard';
export * from './secret-match';
export { Claims, signHs256, verifyHs256 } from './hs256';
