import { decodeMessage, orderRequestSchema, orderTimeoutSchema } from './messages';

const valid = {
  orderId: '0191e4b2-5f3a-7c3e-9a51-2b7f4c1d8e90',
  activityId: 7,
  userId: 'u-1',
  quantity: 1,
  reservedAt: 1_700_000_000_000,
};

describe('message contracts', () => {
  it('when an order request is well formed, then it decodes to the same object', () => {
    expect(decodeMessage(orderRequestSchema, Buffer.from(JSON.stringify(valid)))).toEqual({
      ok: true,
      value: valid,
    });
  });

  it.each([
    ['not JSON', '{oops', /not JSON/],
    ['a wrong type', JSON.stringify({ ...valid, quantity: '1' }), /quantity/],
    ['a missing field', JSON.stringify({ ...valid, orderId: undefined }), /orderId/],
    ['an unknown field', JSON.stringify({ ...valid, admin: true }), /admin/],
    ['an absurd quantity', JSON.stringify({ ...valid, quantity: 1e9 }), /quantity/],
    [
      'an activity id past PostgreSQL integer',
      JSON.stringify({ ...valid, activityId: 2 ** 31 }),
      /activityId/,
    ],
    ['a huge but integral activity id', JSON.stringify({ ...valid, activityId: 1e300 }), /activityId/],
    ['a user id with a record separator', JSON.stringify({ ...valid, userId: 'a|b' }), /userId/],
    ['a user id with a NUL', JSON.stringify({ ...valid, userId: 'a\u0000' }), /userId/],
    ['a time no Date can hold', JSON.stringify({ ...valid, reservedAt: 8.64e15 + 1 }), /reservedAt/],
  ])('when the value is %s, then it is refused with a reason', (_name, raw, reason) => {
    const decoded = decodeMessage(orderRequestSchema, Buffer.from(raw));
    expect(decoded.ok).toBe(false);
    expect(decoded.ok === false && decoded.reason).toMatch(reason);
  });

  it('when the value is empty, then it is refused', () => {
    expect(decodeMessage(orderTimeoutSchema, null)).toEqual({ ok: false, reason: 'empty message value' });
  });
});
