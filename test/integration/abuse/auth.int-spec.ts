import type { InjectOptions } from 'fastify';
import { AbuseHarness, Service } from '../../support/abuse-harness';
import { badAdminAuthorizations, badBuyerAuthorizations } from '../../support/abuse-tokens';

const h = new AbuseHarness('auth');
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

/** Every endpoint a buyer token opens, aimed at alice's sale and alice's order. */
const buyerEndpoints: [string, Service, () => InjectOptions][] = [
  [
    'POST /api/seckill/:activityId',
    'gateway',
    () => ({ method: 'POST', url: `/api/seckill/${h.activityId}`, payload: { quantity: 1 } }),
  ],
  ['GET /api/seckill/:activityId/result', 'gateway', () => ({ url: `/api/seckill/${h.activityId}/result` })],
  ['GET /api/orders/:id', 'orders', () => ({ url: `/api/orders/${h.aliceOrderId}` })],
  [
    'POST /api/orders/:id/pay',
    'orders',
    () => ({ method: 'POST', url: `/api/orders/${h.aliceOrderId}/pay` }),
  ],
];
const tokens = badBuyerAuthorizations(h.config.JWT_SECRET, h.config.ADMIN_TOKEN, h.alice);
const buyerCases = buyerEndpoints.flatMap(([endpoint, service, request]) =>
  tokens.map(([token, authorization]) => ({ endpoint, service, request, token, authorization })),
);

describe('abuse: buyer endpoints and bad tokens', () => {
  it.each(buyerCases)(
    'when $endpoint is called with $token, then it is 401 UNAUTHORIZED and nothing changes',
    async ({ service, request, authorization }) => {
      const headers = authorization === undefined ? {} : { authorization };
      await h.expectRefusedUnchanged(
        service,
        { ...request(), headers },
        { status: 401, code: 'UNAUTHORIZED' },
      );
    },
  );

  it.each([
    ['GET /api/orders/:id', 'GET', ''],
    ['POST /api/orders/:id/pay', 'POST', '/pay'],
  ] as const)(
    "when another buyer calls %s on alice's order, then it is 404 NOT_FOUND and the order is untouched",
    async (_endpoint, method, suffix) => {
      const request = {
        method,
        url: `/api/orders/${h.aliceOrderId}${suffix}?userId=${h.alice}`,
        headers: { authorization: h.bearer(h.freshUser()) },
        ...(method === 'POST' ? { payload: { userId: h.alice } } : {}),
      };
      await h.expectRefusedUnchanged('orders', request, { status: 404, code: 'NOT_FOUND' });
    },
  );
});

describe('abuse: admin endpoints without the admin token', () => {
  const adminEndpoints: [string, () => InjectOptions][] = [
    ['POST /api/activities', () => ({ method: 'POST', url: '/api/activities', payload: h.activityBody() })],
    [
      'PATCH /api/activities/:id',
      () => ({ method: 'PATCH', url: `/api/activities/${h.activityId}`, payload: { endNow: true } }),
    ],
    [
      'POST /api/admin/blacklist',
      () => ({ method: 'POST', url: '/api/admin/blacklist', payload: { kind: 'user', value: h.alice } }),
    ],
    ['GET /api/admin/blacklist', () => ({ url: '/api/admin/blacklist' })],
    [
      'DELETE /api/admin/blacklist/:kind/:value',
      () => ({ method: 'DELETE', url: `/api/admin/blacklist/user/${h.alice}` }),
    ],
  ];
  const cases = adminEndpoints.flatMap(([endpoint, request]) =>
    badAdminAuthorizations(h.config.ADMIN_TOKEN, h.bearer(h.freshUser())).map(
      ([token, authorization, status]) => ({ endpoint, request, token, authorization, status }),
    ),
  );

  it.each(cases)(
    'when $endpoint is called with $token, then it is $status and nothing changes',
    async ({ request, authorization, status }) => {
      const headers = authorization === undefined ? {} : { authorization };
      const code = status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN';
      await h.expectRefusedUnchanged('gateway', { ...request(), headers }, { status, code });
    },
  );
});
