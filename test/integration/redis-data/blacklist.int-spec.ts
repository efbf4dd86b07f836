import { randomBytes } from 'node:crypto';
import { BLACKLIST_KEYS } from '../../../apps/gateway/src/risk/blacklist.store';
import { RiskSync } from '../../../apps/gateway/src/risk/risk-sync';
import { TestClients } from '../../support/clients';
import { eventually } from '../../support/eventually';
import { InProcessService } from '../../support/risk-gateways';

// The blacklist when Redis loses its data. What a FLUSHALL (or a Redis restarted empty) does to the
// blacklist is done here to its keys only, so that the rest of the suite's data stays.
describe('the blacklist when Redis loses it', () => {
  const run = randomBytes(3).toString('hex');
  const [early, late] = [`bl-${run}-early`, `bl-${run}-late`];
  let gateway: InProcessService;
  let clients: TestClients;
  let activityId: number;
  const started: InProcessService[] = [];

  beforeAll(async () => {
    [gateway, clients] = await Promise.all([InProcessService.start(), TestClients.connect()]);
    activityId = await gateway.createActivity({ stock: 100 });
  });
  afterAll(async () => {
    for (const user of [early, late]) await gateway?.admin('DELETE', `/api/admin/blacklist/user/${user}`);
    await Promise.all([gateway, ...started].map((g) => g?.close()));
    await clients?.close();
  });

  const loseInRedis = () => clients.redis.del(BLACKLIST_KEYS.entries, BLACKLIST_KEYS.version);
  const status = async (g: InProcessService, userId: string) => (await g.purchase(activityId, userId)).status;
  const blacklist = async (userId: string) =>
    expect(
      (await gateway.admin('POST', '/api/admin/blacklist', { kind: 'user', value: userId })).status,
    ).toBe(201);

  it('when Redis lost the blacklist and an entry is added, then a running gateway enforces it, and the older ones still', async () => {
    await blacklist(early);
    expect(await status(gateway, early)).toBe(403);
    await loseInRedis();
    await gateway.get(RiskSync).refresh();
    expect(await status(gateway, early)).toBe(403); // the copy it holds is kept

    await blacklist(late);

    await eventually(async () => expect(await status(gateway, late)).toBe(403), { timeoutMs: 3_000 });
    expect(await status(gateway, early)).toBe(403);
  });

  it('when Redis lost the blacklist and a gateway (re)starts, then it enforces every entry', async () => {
    await loseInRedis();
    const restarted = await InProcessService.start();
    started.push(restarted);

    expect([await status(restarted, early), await status(restarted, late)]).toEqual([403, 403]);
    expect((await restarted.admin('GET', '/api/admin/blacklist')).body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'user', value: early }),
        expect.objectContaining({ kind: 'user', value: late }),
      ]),
    );
  });
});
