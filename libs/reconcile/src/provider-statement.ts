import { AppConfig } from '@app/config';
import { statementSchema } from '@app/contracts';
import { StatementSource } from './money-queries';

/**
 * The payment provider's statement (GET /v1/statement with the API key), for invariant 7. A provider that
 * cannot be read is said so, not hidden: the money check then fails if the shop has payments to check.
 */
export function providerStatement(config: AppConfig): StatementSource {
  return async () => {
    try {
      const res = await fetch(`${config.PAYMENT_PROVIDER_URL}/v1/statement`, {
        headers: { authorization: `Bearer ${config.PAYMENT_PROVIDER_API_KEY}` },
        signal: AbortSignal.timeout(config.PAYMENT_PROVIDER_TIMEOUT_MS),
      });
      if (!res.ok) return { unavailable: `${config.PAYMENT_PROVIDER_URL} answered ${res.status}` };
      return { lines: statementSchema.parse(await res.json()).payments };
    } catch (err) {
      return { unavailable: `${config.PAYMENT_PROVIDER_URL}: ${(err as Error).message}` };
    }
  };
}
