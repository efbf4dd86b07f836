import { OrderRequestMessage, packOrderRequests, unpackOrderRequests } from './messages';

const request = (n: number): OrderRequestMessage => ({
  orderId: `0191e4b2-5f3a-7c3e-9a51-2b7f4c1d8e9${n}`,
  activityId: 7,
  userId: `u-${n}`,
  quantity: 1,
  reservedAt: 1_700_000_000_000,
});

describe('order requests packed into one record', () => {
  it('when a batch is packed, then unpacking gives every request back with its own correlation id', () => {
    const value = packOrderRequests([{ request: request(1), correlationId: 'c-1' }, { request: request(2) }]);
    const entries = unpackOrderRequests(Buffer.from(value));
    expect(entries.map((e) => [e.decoded, e.correlationId, e.packed])).toEqual([
      [{ ok: true, value: request(1) }, 'c-1', true],
      [{ ok: true, value: request(2) }, undefined, true],
    ]);
  });

  it('when a record holds one request (the shape recovery re-publishes), then it is read with the header correlation id', () => {
    const [entry] = unpackOrderRequests(Buffer.from(JSON.stringify(request(3))), 'header-id');
    expect(entry).toMatchObject({
      decoded: { ok: true, value: request(3) },
      correlationId: 'header-id',
      packed: false,
      orderId: request(3).orderId,
    });
  });

  it('when one packed request is malformed, then it alone is refused, with its own JSON and order id', () => {
    const bad = { ...request(4), quantity: -1 };
    const value = JSON.stringify({ orderRequests: [request(5), bad], correlationIds: [null, 'c-4'] });
    const [good, refused] = unpackOrderRequests(value);
    expect(good.decoded).toEqual({ ok: true, value: request(5) });
    expect(refused.decoded.ok).toBe(false);
    expect(!refused.decoded.ok && refused.decoded.reason).toMatch(/quantity/);
    expect(refused).toMatchObject({ orderId: bad.orderId, correlationId: 'c-4', packed: true });
    expect(JSON.parse(refused.payload())).toEqual(bad);
  });

  it.each([
    ['not JSON', '{"orderRequests": [', /not JSON/],
    ['neither shape', '{"orderRequests": "x"}', /orderId/],
  ])('when the record is %s, then it is one refused entry carrying the whole value', (_n, raw, reason) => {
    const entries = unpackOrderRequests(Buffer.from(raw));
    expect(entries).toHaveLength(1);
    expect(!entries[0].decoded.ok && entries[0].decoded.reason).toMatch(reason);
    expect(entries[0].payload()).toBe(raw);
  });

  it('when the value is empty, then it is refused', () => {
    expect(unpackOrderRequests(null).map((e) => e.decoded)).toEqual([
      { ok: false, reason: 'empty message value' },
    ]);
  });
});
