import { signBuyerToken } from '@app/auth';
import { loadConfig } from '@app/config';
import { InProcessService } from '../../support/risk-gateways';

/** Public reads that cost Redis or PostgreSQL meet the per-IP limit before they run. */
describe('read limits (in-process gateway, real Redis and PostgreSQL)', () => {
  let gateway: InProcessService;
  let activityId: number;

  beforeAll(async () => {
    // A tight per-IP limit for this spec; set before the gateway reads its configuration.
    Object.assign(process.env, { RATE_LIMIT_IP_PER_SECOND: '1', RATE_LIMIT_IP_BURST: '3' });
    gateway = await InProcessService.start();
    activityId = await gateway.createActivity({ stock: 5 });
  });
  afterAll(() => gateway?.close());

  it.each([
    ['GET /api/activities/:id', () => `/api/activities/${activityId}`, {}],
    ['GET /api/activities/:id of an unknown id', () => '/api/activities/2000000001', {}],
    ['GET /api/seckill/:id/result', () => `/api/seckill/${activityId}/result`, { buyer: true }],
  ])(
    'when one address reads %s in a loop, then past the burst it is 429 and another address is served',
    async (_name, url, { buyer }: { buyer?: boolean }) => {
      const ip = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const headers: Record<string, string> = buyer
        ? { authorization: `Bearer ${signBuyerToken('reader', loadConfig().JWT_SECRET)}` }
        : {};
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await gateway.call('GET', url(), { ip, headers })).status);
      expect(statuses.slice(3)).toEqual([429, 429, 429]);
      expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
      const other = await gateway.call('GET', url(), { ip: '198.19.0.1', headers });
      expect(other.status).not.toBe(429);
    },
  );
});
