import type { InjectOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AbuseHarness, REFUSED, Refusal, Service, UNKNOWN_ACTIVITY_IDS } from '../../support/abuse-harness';

const h = new AbuseHarness('paths');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const { INVALID, TOO_LONG, NOT_FOUND } = REFUSED;

// Raw path segments: written into the URL as they are, %-escapes included.
// prettier-ignore
const badActivityIds = [
  '0', '-1', '1.5', '1e3', '01', 'abc', '2147483648', '99999999999', '1%20OR%201%3D1', '1%3BDROP%20TABLE%20orders',
  '%00', '1%00', '..%2F1', '%2F', '%27', '1%0D%0ASet-Cookie%3A%20x%3D1', '%F0%9F%92%A5', '%201', '0x10',
  'Infinity', 'NaN', '%EF%BC%91', '%24%7Bjndi%3Aldap%3A%2F%2Fx%7D', '%ff', '%', '%E0%A4%A', '%C0%AE',
];
const NIL = '00000000-0000-0000-0000-000000000000';
// prettier-ignore
const badOrderIds = [
  'abc', '1', NIL.replace(/-/g, ''), `${NIL}x`, `${NIL}%00`, `%7B${NIL}%7D`, "'%20OR%20'1'%3D'1", '%00', 'null',
  '..%2F..%2Factivities%2F1', '%ff', '%',
];
const unknownOrderIds = [randomUUID(), NIL, 'ffffffff-ffff-ffff-ffff-ffffffffffff'];

const activityEndpoints: [string, (id: string) => InjectOptions][] = [
  ['GET /api/activities/:id', (id) => ({ url: `/api/activities/${id}` })],
  [
    'POST /api/seckill/:activityId',
    (id) => ({ method: 'POST', url: `/api/seckill/${id}`, headers: buyer(), payload: { quantity: 1 } }),
  ],
  ['GET /api/seckill/:activityId/result', (id) => ({ url: `/api/seckill/${id}/result`, headers: buyer() })],
];
const orderEndpoints: [string, (id: string) => InjectOptions][] = [
  ['GET /api/orders/:id', (id) => ({ url: `/api/orders/${id}`, headers: asAlice() })],
  [
    'POST /api/orders/:id/pay',
    (id) => ({ method: 'POST', url: `/api/orders/${id}/pay`, headers: asAlice() }),
  ],
];
const buyer = () => ({ authorization: h.bearer(h.freshUser()) });
const asAlice = () => ({ authorization: h.bearer(h.alice) });

/** Routes that do not exist, or exist for another method (`a`: the activity id, `o`: alice's order id). */
// prettier-ignore
const unknownRoutes: [Service, InjectOptions['method'], (a: number, o: string) => string][] = [
  ['gateway', 'GET', () => '/api'], ['gateway', 'GET', () => '/api/seckill'], ['gateway', 'GET', (a) => `/api/seckill/${a}`],
  ['gateway', 'DELETE', (a) => `/api/seckill/${a}`], ['gateway', 'PUT', (a) => `/api/seckill/${a}`],
  ['gateway', 'POST', (a) => `/api/seckill/${a}/result`], ['gateway', 'GET', (a) => `/API/SECKILL/${a}/result`],
  ['gateway', 'GET', (a) => `/api/seckill/${a}/result/`], ['gateway', 'GET', (a) => `//api/seckill/${a}/result`],
  ['gateway', 'DELETE', (a) => `/api/activities/${a}`], ['gateway', 'GET', () => '/.env'],
  ['gateway', 'GET', (a) => `/api/activities/${a}/..%2F..%2F..%2Fetc%2Fpasswd`],
  ['orders', 'GET', () => '/api/orders'], ['orders', 'POST', () => '/api/orders'], ['orders', 'DELETE', (_a, o) => `/api/orders/${o}`],
  ['orders', 'PUT', (_a, o) => `/api/orders/${o}/pay`], ['orders', 'GET', (_a, o) => `/api/orders/${o}/pay`],
  ['orders', 'POST', (_a, o) => `/api/orders/${o}`], ['orders', 'POST', (_a, o) => `/api/orders/${o}/refund`],
];

type Case = { name: string; service: Service; request: () => InjectOptions; expected: Refusal };
const cases: Case[] = [];
const add = (name: string, service: Service, request: () => InjectOptions, expected: Refusal) =>
  cases.push({ name, service, request, expected });

for (const [endpoint, request] of activityEndpoints) {
  for (const id of badActivityIds) add(`${endpoint} has the id ${id}`, 'gateway', () => request(id), INVALID);
  for (const id of ['1'.repeat(129), 'a'.repeat(10_000)]) {
    add(`${endpoint} has a ${id.length}-character id`, 'gateway', () => request(id), TOO_LONG);
  }
}
// An unknown activity is not found, to read or to buy (its /result is 200 NONE: see docs/reliability.md).
for (const [endpoint, request] of activityEndpoints.slice(0, 2)) {
  for (const id of UNKNOWN_ACTIVITY_IDS)
    add(`${endpoint} has the unknown id ${id}`, 'gateway', () => request(`${id}`), NOT_FOUND);
}
for (const [endpoint, request] of orderEndpoints) {
  for (const id of badOrderIds) add(`${endpoint} has the id ${id}`, 'orders', () => request(id), INVALID);
  add(`${endpoint} has alice's id with a suffix`, 'orders', () => request(`${h.aliceOrderId}x`), INVALID);
  add(`${endpoint} has a 10000-character id`, 'orders', () => request('a'.repeat(10_000)), TOO_LONG);
  for (const id of unknownOrderIds)
    add(`${endpoint} has the unknown id ${id}`, 'orders', () => request(id), NOT_FOUND);
}
for (const [service, method, path] of unknownRoutes) {
  const request = () => ({ method, url: path(h.activityId, h.aliceOrderId), headers: asAlice() });
  add(`${method} ${path(0, ':id')} is called (no such route)`, service, request, NOT_FOUND);
}

describe('abuse: ids, path tricks and unknown routes', () => {
  it.each(cases)(
    'when $name, then it is $expected.status $expected.code and nothing changes',
    ({ service, request, expected }) => h.expectRefusedUnchanged(service, request(), expected),
  );
});
