import { forbidden, unauthorized } from '@app/common';
import { bearerSecretGuard } from './bearer-secret.guard';

/** Admin endpoints: the bearer must be ADMIN_TOKEN (401 without a bearer, 403 with another one). */
export const AdminGuard = bearerSecretGuard(
  (config) => config.ADMIN_TOKEN,
  (token) => (token === undefined ? unauthorized() : forbidden('the admin token is required')),
);
