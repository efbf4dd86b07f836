import { bearerSecretGuard } from '@app/auth';
import { unauthorized } from '@app/common';

/** The merchant's calls (create, capture, refund, statement): `Authorization: Bearer <API key>`. */
export const ApiKeyGuard = bearerSecretGuard(
  (config) => config.PAYMENT_PROVIDER_API_KEY,
  () => unauthorized('a valid API key is required'),
);
