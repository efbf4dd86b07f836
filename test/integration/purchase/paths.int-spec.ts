import { sign } from 'jsonwebtoken';
import { request } from 'node:http';
import { signBuyerToken } from '@app/auth';
import { loadConfig } from '@app/config';
import { PurchaseHotRoute } from '../../../apps/gateway/src/seckill/purchase.hot-route';
import { InProcessService } from '../../support/risk-gateways';

interface Answer {
  status: number;
  body: { code?: string; message?: string; status?: string };
  correlationId: unknown;
  headers: Record<string, unknown>;
}

/**
 * The response headers that may differ between two answers to the same request: the time it was sent,
 * and the correlation id (new per request unless the caller sends one; its echo is compared on its own).
 * Every other header must be the same on both paths: a header or hook added to Fastify that should reach
 * the purchase fails here until the hot route sends it too.
 */
const MAY_DIFFER = ['date', 'x-correlation-id'];
const comparable = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !MAY_DIFFER.includes(name)));

/**
 * Sends one purchase over a real socket. `chunked` sends the same bytes with Transfer-Encoding: chunked,
 * which the hot route (node:http) never claims, so the request is served by the Fastify route instead.
 */
function post(port: number, path: string, headers: Record<string, string>, body: string, chunked: boolean) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          body: JSON.parse(Buffer.concat(chunks).toString() || '{}'),
          correlationId: res.headers['x-correlation-id'],
          headers: res.headers,
        }),
      );
    });
    req.on('error', reject);
    if (chunked) {
      req.write(body); // written before the end: node:http sends it chunked, without a length
      req.end();
    } else {
      req.setHeader('content-length', Buffer.byteLength(body));
      req.end(body);
    }
  });
}

describe('the purchase on node:http and on Fastify: one answer whichever way a request goes', () => {
  let gateway: InProcessService;
  let port: number;
  let soldOut: number;
  /** What the hot route said of each request it was offered: claimed (true) or left to Fastify. */
  const claimed: boolean[] = [];
  const secret = loadConfig().JWT_SECRET;
  const bearer = (user: string) => `Bearer ${signBuyerToken(user, secret)}`;

  beforeAll(async () => {
    gateway = await InProcessService.start();
    const hotRoute = gateway.get(PurchaseHotRoute);
    const serve = hotRoute.serve.bind(hotRoute);
    jest.spyOn(hotRoute, 'serve').mockImplementation((req, res) => {
      const taken = serve(req, res);
      claimed.push(taken);
      return taken;
    });
    port = await gateway.port();
    soldOut = await gateway.createActivity({ stock: 1 });
    expect((await gateway.purchase(soldOut, 'paths-first-buyer')).status).toBe(202);
  });
  afterAll(() => gateway?.close());

  const json = { 'content-type': 'application/json' };
  const cases: [string, () => [string, Record<string, string>, string]][] = [
    [
      'a sold-out activity',
      () => [`/api/seckill/${soldOut}`, { ...json, authorization: bearer('p-1') }, '{"quantity":1}'],
    ],
    [
      'an unknown activity',
      () => ['/api/seckill/2147483000', { ...json, authorization: bearer('p-2') }, '{}'],
    ],
    [
      'a zero quantity',
      () => [`/api/seckill/${soldOut}`, { ...json, authorization: bearer('p-3') }, '{"quantity":0}'],
    ],
    [
      'an unknown field',
      () => [`/api/seckill/${soldOut}`, { ...json, authorization: bearer('p-4') }, '{"price":0}'],
    ],
    [
      'unparsable JSON',
      () => [`/api/seckill/${soldOut}`, { ...json, authorization: bearer('p-5') }, '{"quantity":'],
    ],
    [
      'a __proto__ key',
      () => [`/api/seckill/${soldOut}`, { ...json, authorization: bearer('p-6') }, '{"__proto__":{}}'],
    ],
    [
      'a NUL in a string',
      () => [`/api/seckill/${soldOut}`, { ...json, authorization: bearer('p-7') }, '{"q":"\\u0000"}'],
    ],
    ['a JSON array', () => [`/api/seckill/${soldOut}`, { ...json, authorization: bearer('p-8') }, '[1]']],
    ['no token', () => [`/api/seckill/${soldOut}`, { ...json }, '{"quantity":1}']],
    [
      'an expired token',
      () => [
        `/api/seckill/${soldOut}`,
        { ...json, authorization: `Bearer ${sign({ sub: 'p-9', exp: 1 }, secret)}` },
        '{"quantity":1}',
      ],
    ],
    [
      'a bad Idempotency-Key',
      () => [
        `/api/seckill/${soldOut}`,
        { ...json, authorization: bearer('p-10'), 'idempotency-key': 'a b' },
        '{}',
      ],
    ],
  ];

  it.each(cases)('when the request has %s, then both paths answer alike', async (_name, make) => {
    const [path, headers, body] = make();
    claimed.length = 0;
    const hot = await post(port, path, headers, body, false);
    const framework = await post(port, path, headers, body, true);
    expect(claimed).toEqual([true, false]);
    expect(hot.status).toBeGreaterThanOrEqual(400);
    expect({ status: hot.status, body: hot.body, headers: comparable(hot.headers) }).toEqual({
      status: framework.status,
      body: framework.body,
      headers: comparable(framework.headers),
    });
    expect([typeof hot.correlationId, typeof framework.correlationId]).toEqual(['string', 'string']);
  });

  it('when a purchase is admitted on either path, then both answer 202 QUEUED with an order id', async () => {
    const activityId = await gateway.createActivity({ stock: 2 });
    const headers = (user: string) => ({ ...json, authorization: bearer(user) });
    const hot = await post(port, `/api/seckill/${activityId}`, headers('p-hot'), '{"quantity":1}', false);
    const framework = await post(port, `/api/seckill/${activityId}`, headers('p-fw'), '{"quantity":1}', true);
    expect([hot.status, framework.status]).toEqual([202, 202]);
    expect([hot.body.status, framework.body.status]).toEqual(['QUEUED', 'QUEUED']);
    expect(comparable(hot.headers)).toEqual(comparable(framework.headers));
  });

  it('when a caller sends a plain correlation id, then the hot path echoes it, as the framework does', async () => {
    const headers = { ...json, authorization: bearer('p-11'), 'x-correlation-id': 'trace-42' };
    const hot = await post(port, `/api/seckill/${soldOut}`, headers, '{}', false);
    const framework = await post(port, `/api/seckill/${soldOut}`, headers, '{}', true);
    expect([hot.correlationId, framework.correlationId]).toEqual(['trace-42', 'trace-42']);
  });
});
