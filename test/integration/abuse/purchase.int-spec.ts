import type { InjectOptions } from 'fastify';
import { AbuseHarness, REFUSED, Refusal } from '../../support/abuse-harness';

const h = new AbuseHarness('purchase');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const JSON_TYPE = { 'content-type': 'application/json' };
const { INVALID, TOO_LARGE, NOT_JSON } = REFUSED;

type Case = { name: string; request: () => InjectOptions; expected: Refusal };
const refused = (name: string, request: () => InjectOptions, expected = INVALID): Case => ({
  name,
  request,
  expected,
});

/** A purchase of the open sale by a buyer who has bought nothing, with this raw body and these headers. */
const purchase =
  (payload: string, headers: Record<string, string | string[]> = JSON_TYPE) =>
  (): InjectOptions => ({
    method: 'POST',
    url: `/api/seckill/${h.activityId}`,
    headers: { authorization: h.bearer(h.freshUser()), ...headers },
    payload,
  });
const withKey = (key: string | string[]) =>
  purchase('{"quantity":1}', { ...JSON_TYPE, 'idempotency-key': key });
const alice =
  (key?: string, quantity = 1) =>
  (): InjectOptions => ({
    method: 'POST',
    url: `/api/seckill/${h.activityId}`,
    headers: { authorization: h.bearer(h.alice), ...(key ? { 'idempotency-key': key } : {}) },
    payload: { quantity },
  });

// prettier-ignore
const quantities = [
  '-1', '0', '-0', '0.5', '1.5', '1.0000001', '1e-7', '2', '1001', '1e308', '1e309', '-1e309',
  '9007199254740993', '"1"', '"one"', 'null', 'true', '[]', '{}', '[1]', '{"$gt":0}', '"1; DROP TABLE orders"',
];
// prettier-ignore
const bodies = [
  'null', '[]', '"quantity"', '1', 'true', '   ', '{', '{"quantity":1,}', '{"quantity":1}{"quantity":2}',
  "{'quantity':1}", '{"quantity":NaN}', '{"quantity":Infinity}', '{"__proto__":{"quantity":1}}',
  '{"constructor":{"prototype":{"quantity":1}}}', `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  '{"quantity":1,"\\u0000":1}', '{"quantity":1,"note":"a\\u0000b"}',
];
// prettier-ignore
const contentTypes = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml',
  'application/jsonx', 'application/json-patch+json', 'text/json', 'application/octet-stream',
];
// prettier-ignore
const keys = ['', ' ', 'a'.repeat(65), 'a b', 'a|b', 'a:b', 'k;DROP TABLE orders', '../../../etc/passwd', 'clé', 'x'.repeat(10_000)];

const cases: Case[] = [
  ...quantities.map((q) => refused(`a quantity of ${q}`, purchase(`{"quantity":${q}}`))),
  ...bodies.map((body) => refused(`the body ${body.slice(0, 40)}`, purchase(body))),
  // Extra fields: the buyer is the token's sub, the activity the path's, and the price nobody's to choose.
  refused('an extra userId naming alice', () => purchase(JSON.stringify({ quantity: 1, userId: h.alice }))()),
  refused('an extra activityId', purchase('{"quantity":1,"activityId":1}')),
  refused('an extra price', purchase('{"quantity":1,"price":0}')),
  refused("alice's orderId", () => purchase(JSON.stringify({ quantity: 1, orderId: h.aliceOrderId }))()),
  refused('a 17 kB body', purchase(JSON.stringify({ quantity: 1, pad: 'x'.repeat(17_000) })), TOO_LARGE),
  refused('a 1 MB body', purchase(`[${'1,'.repeat(500_000)}1]`), TOO_LARGE),
  ...contentTypes.map((type) =>
    refused(`content-type ${type}`, purchase('{"quantity":1}', { 'content-type': type }), NOT_JSON),
  ),
  refused('a body without a content-type', purchase('{"quantity":1}', {}), NOT_JSON),
  ...keys.map((key) => refused(`the Idempotency-Key "${key.slice(0, 20)}"`, withKey(key))),
  refused('two Idempotency-Key headers', withKey(['a', 'b'])),
  refused("alice's Idempotency-Key replayed with another quantity", alice(h.aliceKey, 2), {
    status: 422,
    code: 'IDEMPOTENCY_KEY_REUSED',
  }),
  refused('alice buying again', alice(), { status: 409, code: 'ALREADY_PURCHASED' }),
  refused('alice buying again with a new key', alice(`${h.aliceKey}-2`), {
    status: 409,
    code: 'ALREADY_PURCHASED',
  }),
];

describe('abuse: POST /api/seckill/:activityId', () => {
  it.each(cases)(
    'when the purchase has $name, then it is $expected.status $expected.code and nothing changes',
    ({ request, expected }) => h.expectRefusedUnchanged('gateway', request(), expected),
  );
});
