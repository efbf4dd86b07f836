import { loadConfig } from '@app/config';
import { PurchaseTokens } from '../defences/purchase-tokens';
import { RiskChecks } from '../risk/risk-checks';
import { AdmissionTokens } from '../waiting-room/admission-tokens';
import { PurchaseEndpoint, PurchaseHttpRequest } from './purchase.endpoint';
import { SeckillService } from './seckill.service';

const request: PurchaseHttpRequest = {
  activityId: '1',
  body: { quantity: 1 },
  idempotencyKey: undefined,
  purchaseToken: undefined,
  admissionToken: undefined,
  socketAddress: '192.0.2.1',
  forwardedFor: undefined,
  correlationId: 'c-1',
};

/** The endpoint with fakes at its ports: an activity this instance has not cached, read by `window`. */
function endpointWith(window: () => Promise<unknown>) {
  const purchase = jest.fn();
  const endpoint = new PurchaseEndpoint(
    { purchase } as unknown as SeckillService,
    { cachedWindow: () => undefined, window } as unknown as RiskChecks,
    {} as PurchaseTokens,
    {} as AdmissionTokens,
    loadConfig(),
    { now: () => 1_000 },
  );
  return { endpoint, purchase };
}

describe('the purchase endpoint, on its first purchase of an activity', () => {
  it('when the sale window cannot be read, then 503 and nothing is attempted', async () => {
    const { endpoint, purchase } = endpointWith(() => Promise.reject(new Error('down')));
    await expect(endpoint.answer('alice', request)).resolves.toMatchObject({
      status: 503,
      json: expect.stringContaining('"UNAVAILABLE"'),
    });
    expect(purchase).not.toHaveBeenCalled();
  });

  it('when the read is refused by the limits that guard it, then that refusal is the answer', async () => {
    const limited = { reason: 'LOOKUP_LIMITED', decidedBy: 'memory', retryAfterMs: 1_500 };
    const { endpoint, purchase } = endpointWith(async () => limited);
    await expect(endpoint.answer('alice', request)).resolves.toMatchObject({
      status: 429,
      retryAfterS: 2,
    });
    expect(purchase).not.toHaveBeenCalled();
  });
});
