import { readPurchase } from './purchase.request';

describe('reading a purchase request', () => {
  it.each([
    ['no body', undefined, 1],
    ['an empty object', {}, 1],
    ['a quantity', { quantity: 3 }, 3],
  ])('when the body is %s, then the quantity is read by hand', (_name, body, quantity) => {
    expect(readPurchase('7', body, undefined)).toEqual({
      activityId: 7,
      quantity,
      idempotencyKey: undefined,
    });
  });

  it('when an Idempotency-Key is plain, then it is kept', () => {
    expect(readPurchase('7', { quantity: 1 }, 'k-1')).toMatchObject({ idempotencyKey: 'k-1' });
  });

  it.each([
    ['a zero activity id', '0', { quantity: 1 }, undefined, 'invalid activity id'],
    ['an activity id past int4', '2147483648', { quantity: 1 }, undefined, 'invalid activity id'],
    ['a fractional quantity', '7', { quantity: 1.5 }, undefined, 'invalid purchase'],
    ['a quantity as a string', '7', { quantity: '1' }, undefined, 'invalid purchase'],
    ['a quantity over 1000', '7', { quantity: 1_001 }, undefined, 'invalid purchase'],
    ['an unknown field', '7', { quantity: 1, price: 0 }, undefined, 'invalid purchase'],
    ['a null body', '7', null, undefined, 'invalid purchase'],
    ['an array body', '7', [1], undefined, 'invalid purchase'],
    ['an Idempotency-Key with a space', '7', {}, 'a b', 'invalid Idempotency-Key'],
    ['two Idempotency-Keys', '7', {}, ['a', 'b'], 'invalid Idempotency-Key'],
  ])('when it has %s, then it is 400 VALIDATION_FAILED from the schemas', (_name, id, body, key, message) => {
    const read = readPurchase(id, body, key);
    expect(read).toMatchObject({ invalid: { code: 'VALIDATION_FAILED' } });
    expect('invalid' in read && read.invalid.message).toMatch(message);
  });
});
