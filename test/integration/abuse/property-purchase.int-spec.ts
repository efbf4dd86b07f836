import fc from 'fast-check';
import { stockKeys } from '@app/stock';
import { AbuseHarness } from '../../support/abuse-harness';
import { DOCUMENTED_CODES, purchaseQuantity, validIdempotencyKey } from '../../support/abuse-oracle';
import { expectReconciled } from '../../support/clients';
import { eventually } from '../../support/eventually';

// Generated purchases against a sale of their own (large stock, per-user limit 5): the oracle
// (docs/openapi.yaml, written out in abuse-oracle.ts) says which must be accepted; nothing may be a 5xx.
const h = new AbuseHarness('property: purchase');
const PER_USER_LIMIT = 5;
let activityId = 0;
let bought = 0;

beforeAll(async () => {
  await h.start();
  activityId = await h.createActivity({ stock: 1_000_000, perUserLimit: PER_USER_LIMIT });
}, 60_000);
afterAll(() => h.stop());

/** The sale's state in Redis as the purchase leaves it (orders follow asynchronously, checked at the end). */
async function saleState() {
  const k = stockKeys(activityId);
  const r = h.clients.redis;
  const [stock, reservations, buyers, keys] = await Promise.all([
    r.get(k.stock),
    r.hlen(k.reservations),
    r.hlen(k.buyers),
    r.hlen(k.idempotency),
  ]);
  return { stock: Number(stock), reservations, buyers, keys };
}

// Weighted so that about one input in seven is valid: both halves of "exactly the valid ones" get tried.
const quantity = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -2, max: PER_USER_LIMIT + 2 }) },
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 2 ** 53, 1e21, '1', null, true, [1]),
  fc.jsonValue(),
);
const bodyText = fc.oneof(
  { weight: 4, arbitrary: fc.record({ quantity }, { requiredKeys: [] }).map((b) => JSON.stringify(b)) },
  fc
    .tuple(fc.record({ quantity }), fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }))
    .map(([b, extra]) => JSON.stringify({ ...extra, ...b })),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
);
const idempotencyKey = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) },
  fc.string(),
  fc.constantFrom('', ' ', 'k'.repeat(65), 'a|b', 'ключ'),
);
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded'),
  fc.string().map((s) => `application/${s}`),
);

describe('property: POST /api/seckill/:activityId with generated bodies, keys and content types', () => {
  it('when any input arrives, then it is never a 5xx, a refusal has a documented code and changes nothing, and exactly the valid ones buy', async () => {
    await fc.assert(
      fc.asyncProperty(bodyText, idempotencyKey, contentType, async (body, key, type) => {
        const isJson = type.split(';')[0].trim().toLowerCase() === 'application/json';
        const wanted = isJson ? purchaseQuantity(body, PER_USER_LIMIT) : null;
        const valid = wanted !== null && validIdempotencyKey(key);
        const before = await saleState();
        const res = await h.send('gateway', {
          method: 'POST',
          url: `/api/seckill/${activityId}`,
          headers: {
            authorization: h.bearer(h.freshUser()),
            'content-type': type,
            ...(key === undefined ? {} : { 'idempotency-key': key }),
          },
          payload: body,
        });
        if (!valid) h.tally.record(res.statusCode);
        expect(res.statusCode).toBeLessThan(500);
        if (valid) {
          expect(res.statusCode).toBe(202);
          expect((await saleState()).stock).toBe(before.stock - wanted);
          bought += wanted;
          return;
        }
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(DOCUMENTED_CODES.has(res.json().code)).toBe(true);
        if (!isJson) expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
        expect(await saleState()).toEqual(before);
      }),
      { numRuns: 200 },
    );
    // Every accepted purchase becomes exactly one order, and the sale reconciles (invariants 1–6).
    await eventually(
      async () => {
        const [{ sold }] = await h.clients.db.query(
          'SELECT coalesce(sum(quantity), 0)::int AS sold FROM orders WHERE activity_id = $1',
          [activityId],
        );
        return sold === bought;
      },
      { timeoutMs: 30_000 },
    );
    await expectReconciled(h.clients.redis, h.clients.db, activityId);
  });
});
