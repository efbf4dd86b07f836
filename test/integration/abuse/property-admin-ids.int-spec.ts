import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { AbuseHarness, Service } from '../../support/abuse-harness';
import { DOCUMENTED_CODES, validActivity } from '../../support/abuse-oracle';

const h = new AbuseHarness('property: activities and ids');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const RUNS = { numRuns: 150 };

const FIELDS = ['name', 'stock', 'startsAt', 'endsAt', 'perUserLimit', 'payTimeoutSeconds'];
const anything = fc.oneof(fc.jsonValue(), fc.string(), fc.double(), fc.integer());
const date = fc.date({
  min: new Date('0000-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59Z'),
  noInvalidDate: true,
});
/** A date-time written in every way a client might: RFC 3339 (valid), with an offset, date only, epoch ms. */
const writtenDate = date.chain((d) =>
  fc.constantFrom<unknown>(
    d.toISOString(),
    d.toISOString().replace('Z', '+08:00'),
    d.toISOString().slice(0, 10),
    d.getTime(),
  ),
);
const validBody = fc
  .record({
    name: fc.string({ unit: 'binary', maxLength: 210 }).map((s) => `${h.prefix} ${s}`),
    stock: fc.integer({ min: 1, max: 10_000_000 }),
    startsAt: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
    lastsMs: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    perUserLimit: fc.integer({ min: 1, max: 1_000 }),
    payTimeoutSeconds: fc.integer({ min: 1, max: 86_400 }),
  })
  .map(({ startsAt, lastsMs, ...rest }) => ({
    ...rest,
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + lastsMs).toISOString(),
  }));
/** Mostly a valid activity with one field dropped, replaced or added; sometimes not an object at all. */
const activityBody = fc.oneof(
  { weight: 3, arbitrary: validBody },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        validBody,
        fc.constantFrom(...FIELDS),
        fc.oneof(fc.constant(undefined), fc.integer({ min: -2, max: 10_000_002 }), writtenDate, anything),
      )
      .map(([body, key, value]) => ({ ...body, [key]: value })),
  },
  fc.tuple(validBody, fc.string(), fc.jsonValue()).map(([body, key, value]) => ({ [key]: value, ...body })),
  anything,
);

/** Ids as path segments: %-encoded arbitrary text, or raw characters that %-decoding and routing trip on. */
const idSegment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map(encodeURIComponent),
  fc.string({ unit: fc.constantFrom(..."%0123456789abcdefABCDEF./-_~!$&'()*+,;=:@"), maxLength: 140 }),
);
const idEndpoints: [string, Service, (id: string) => InjectOptions][] = [
  ['GET /api/activities/:id', 'gateway', (id) => ({ url: `/api/activities/${id}` })],
  [
    'POST /api/seckill/:activityId',
    'gateway',
    (id) => ({ method: 'POST', url: `/api/seckill/${id}`, payload: {} }),
  ],
  ['GET /api/seckill/:activityId/result', 'gateway', (id) => ({ url: `/api/seckill/${id}/result` })],
  ['GET /api/orders/:id', 'orders', (id) => ({ url: `/api/orders/${id}` })],
  ['POST /api/orders/:id/pay', 'orders', (id) => ({ method: 'POST', url: `/api/orders/${id}/pay` })],
];
/**
 * Left out: a segment naming a real activity or order (valid input, whose answer depends on other tests'
 * data), and dot segments, which URL normalization turns into another path before the request is sent.
 */
const worthTrying = (segment: string) => {
  if (segment.split('/').some((part) => /^(\.|%2e){1,2}$/i.test(part))) return false;
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return true;
  }
  return (
    !/^[1-9]\d{0,9}$/.test(id) && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
  );
};

const expectDocumentedRefusal = (res: { statusCode: number; json: () => { code?: unknown } }) => {
  expect(res.statusCode).toBeGreaterThanOrEqual(400);
  expect(res.statusCode).toBeLessThan(500);
  expect(DOCUMENTED_CODES.has(res.json().code as string)).toBe(true);
};

describe('property: generated input to the admin API and to every id', () => {
  it('when any activity body is posted with the admin token, then exactly the valid ones are created, and the rest are a documented 4xx that changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(activityBody, async (body) => {
        const before = await h.snapshot();
        const res = await h.send('gateway', {
          method: 'POST',
          url: '/api/activities',
          headers: { authorization: h.admin, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        const sent = JSON.parse(JSON.stringify(body));
        if (validActivity(sent)) {
          expect(res.statusCode).toBe(201);
          const stored = await h.send('gateway', { url: `/api/activities/${res.json().id}` });
          expect(stored.json()).toMatchObject({ stock: sent.stock, remainingStock: sent.stock });
          return;
        }
        h.tally.record(res.statusCode);
        expectDocumentedRefusal(res);
        expect(await h.snapshot()).toEqual(before);
      }),
      RUNS,
    );
  });

  it.each(idEndpoints)(
    'when %s gets any id, then a malformed one is a documented 4xx that changes nothing',
    async (_endpoint, service, request) => {
      await fc.assert(
        fc.asyncProperty(idSegment.filter(worthTrying), async (segment) => {
          const before = await h.snapshot();
          const headers = { authorization: h.bearer(h.freshUser()) };
          const res = await h.send(service, { ...request(segment), headers });
          h.tally.record(res.statusCode);
          expectDocumentedRefusal(res);
          expect(await h.snapshot()).toEqual(before);
        }),
        RUNS,
      );
    },
  );
});
