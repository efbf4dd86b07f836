import { signBuyerToken } from '@app/auth';
import { loadConfig } from '@app/config';
import { rebuildActivity } from '@app/stock';
import { ActivityWindows } from '../../../apps/gateway/src/risk/activity-windows';
import { RiskSync } from '../../../apps/gateway/src/risk/risk-sync';
import { TestClients } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { InProcessService } from '../../support/risk-gateways';

// An activity's bot defences (purchase token, challenge) are part of what Redis holds of it: a rebuild
// from the ledger after Redis lost the activity must put them back, or every gateway that re-reads the
// activity (its refresh, a restart, a first purchase) sells without a Purchase-Token.
describe('the bot defences of an activity rebuilt from the ledger', () => {
  let gateway: InProcessService;
  let clients: TestClients;
  const started: InProcessService[] = [];

  beforeAll(async () => {
    [gateway, clients] = await Promise.all([InProcessService.start(), TestClients.connect()]);
  });
  afterAll(async () => {
    await Promise.all([gateway, ...started].map((g) => g?.close()));
    await clients?.close();
  });

  /** Redis loses every key of the activity (and of its stock shards): what a wipe does to one activity. */
  async function loseInRedis(activityId: number): Promise<void> {
    const keys = [
      ...(await clients.redis.keys(`seckill:{${activityId}}:*`)),
      ...(await clients.redis.keys(`seckill:{${activityId}#*`)),
    ];
    await clients.redis.del(...keys);
  }

  async function startGateway(): Promise<InProcessService> {
    const g = await InProcessService.start();
    started.push(g);
    return g;
  }

  const askChallenge = (g: InProcessService, activityId: number, userId: string) =>
    g.call('POST', `/api/seckill/${activityId}/challenge`, {
      headers: { authorization: `Bearer ${signBuyerToken(userId, loadConfig().JWT_SECRET)}` },
    });

  it.each([
    ['an unsharded activity', 1],
    ['an activity with stock shards', 2],
  ])(
    'when %s is rebuilt after Redis lost it, then a purchase without a token is still refused',
    async (_name, stockShards) => {
      const activityId = await gateway.createActivity({
        stock: 10,
        purchaseToken: true,
        challengeBits: 4,
        stockShards,
      });
      expect((await gateway.purchase(activityId, 'warm-up')).body.code).toBe('PURCHASE_TOKEN_REQUIRED');
      await loseInRedis(activityId);
      // A gateway that starts meanwhile learns the activity is unknown, then hears of the rebuild.
      const late = await startGateway();
      expect((await late.purchase(activityId, 'too-early')).status).toBe(404);

      await rebuildActivity(clients.db, clients.redis, activityId);
      await gateway.get(RiskSync).refresh();
      const restarted = await startGateway();
      await eventually(() => late.get(ActivityWindows).cached(activityId) != null);

      const gateways = { refreshed: gateway, restarted, late };
      for (const [which, g] of Object.entries(gateways)) {
        const res = await g.purchase(activityId, `${which}-buyer-${stockShards}`);
        expect({ which, status: res.status, code: res.body.code }).toEqual({
          which,
          status: 403,
          code: 'PURCHASE_TOKEN_REQUIRED',
        });
        const { defences } = g.get(ActivityWindows).cached(activityId)!;
        expect({ which, defences }).toEqual({ which, defences: { token: true, challengeBits: 4 } });
      }
      const challenge = await askChallenge(restarted, activityId, `solver-${stockShards}`);
      expect({ status: challenge.status, bits: challenge.body.bits }).toEqual({ status: 201, bits: 4 });
    },
  );
});
