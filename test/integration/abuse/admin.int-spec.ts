import type { InjectOptions } from 'fastify';
import { AbuseHarness, REFUSED, Refusal, UNKNOWN_ACTIVITY_IDS } from '../../support/abuse-harness';

// The admin API with the admin token and bad input: activity updates and the blacklist.
const h = new AbuseHarness('admin');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const { INVALID, NOT_FOUND, TOO_LARGE, NOT_JSON } = REFUSED;
const run = h.run;

type Case = { name: string; request: () => InjectOptions; expected: Refusal };
const cases: Case[] = [];
const admin =
  (method: InjectOptions['method'], url: () => string, payload?: unknown, type = 'application/json') =>
  (): InjectOptions => ({
    method,
    url: url(),
    headers: { authorization: h.admin, ...(payload === undefined ? {} : { 'content-type': type }) },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
const sale = () => `/api/activities/${h.activityId}`;

// The sale has stock 100: an update may only raise it, or end the sale.
// prettier-ignore
const badUpdates: unknown[] = [
  {}, { stock: 0 }, { stock: -1 }, { stock: 1.5 }, { stock: 1e12 }, { stock: '200' }, { stock: null }, { stock: 50 },
  { stock: 99 }, { endNow: false }, { endNow: 'true' }, { endNow: 1 }, { stock: 200, name: 'x' },
  { stock: 200, startsAt: '2020-01-01T00:00:00Z' }, { stock: 200, remainingStock: 1_000 }, null, [], 'stock=200',
];
for (const body of badUpdates) {
  cases.push({
    name: `PATCH the sale with ${JSON.stringify(body)}`,
    request: admin('PATCH', sale, body),
    expected: INVALID,
  });
}
for (const id of ['0', 'abc', '1.5', '%ff']) {
  cases.push({
    name: `PATCH /api/activities/${id}`,
    request: admin('PATCH', () => `/api/activities/${id}`, { stock: 200 }),
    expected: INVALID,
  });
}
for (const id of UNKNOWN_ACTIVITY_IDS) {
  cases.push({
    name: `PATCH the unknown activity ${id}`,
    request: admin('PATCH', () => `/api/activities/${id}`, { stock: 200 }),
    expected: NOT_FOUND,
  });
}
cases.push(
  {
    name: 'PATCH the sale with a malformed body',
    request: admin('PATCH', sale, '{"stock":'),
    expected: INVALID,
  },
  {
    name: 'PATCH the sale with a text/plain body',
    request: admin('PATCH', sale, '{"stock":200}', 'text/plain'),
    expected: NOT_JSON,
  },
  {
    name: 'PATCH the sale with a 17 kB body',
    request: admin('PATCH', sale, { stock: 200, pad: 'x'.repeat(17_000) }),
    expected: TOO_LARGE,
  },
);

// Every value names this run, so a wrongly stored entry shows up in the snapshot.
// prettier-ignore
const badEntries: unknown[] = [
  { kind: 'user', value: `${run}|x` }, { kind: 'user', value: `${run} x` }, { kind: 'user', value: `${run}${'x'.repeat(60)}` },
  { kind: 'user', value: '' }, { kind: 'user', value: `${run}\u0000` }, { kind: 'user', value: 42 }, { kind: 'user', value: [run] },
  { kind: 'ip', value: run }, { kind: 'ip', value: '999.1.1.1' }, { kind: 'ip', value: '10.0.0.0/8' }, { kind: 'ip', value: `1.2.3.4; ${run}` },
  { kind: 'host', value: run }, { kind: 'USER', value: run }, { value: run }, { kind: 'user' },
  { kind: 'user', value: run, reason: 'x'.repeat(201) }, { kind: 'user', value: run, expiresAt: 0 }, null, [], `kind=user&value=${run}`,
];
for (const body of badEntries) {
  cases.push({
    name: `POST /api/admin/blacklist with ${JSON.stringify(body)}`,
    request: admin('POST', () => '/api/admin/blacklist', body),
    expected: INVALID,
  });
}
cases.push(
  {
    name: 'POST /api/admin/blacklist with a form body',
    request: admin(
      'POST',
      () => '/api/admin/blacklist',
      `kind=user&value=${run}`,
      'application/x-www-form-urlencoded',
    ),
    expected: NOT_JSON,
  },
  {
    name: 'POST /api/admin/blacklist with a 17 kB body',
    request: admin('POST', () => '/api/admin/blacklist', {
      kind: 'user',
      value: run,
      reason: 'x'.repeat(17_000),
    }),
    expected: TOO_LARGE,
  },
);
// prettier-ignore
const badTargets: [string, Refusal][] = [
  [`host/${run}`, INVALID], [`user/${run}%7Cx`, INVALID], [`user/${run}%00`, INVALID], ['ip/999.1.1.1', INVALID],
  ['user/%ff', INVALID], [`user/abuse-${run}-never-listed`, NOT_FOUND], [`user/${'x'.repeat(10_000)}`, { status: 414, code: 'URI_TOO_LONG' }],
];
for (const [target, expected] of badTargets) {
  cases.push({
    name: `DELETE /api/admin/blacklist/${target.slice(0, 40)}`,
    request: admin('DELETE', () => `/api/admin/blacklist/${target}`),
    expected,
  });
}

describe('abuse: admin endpoints with the admin token and bad input', () => {
  it.each(cases)(
    'when $name, then it is $expected.status $expected.code and nothing changes',
    ({ request, expected }) => h.expectRefusedUnchanged('gateway', request(), expected),
  );
});
