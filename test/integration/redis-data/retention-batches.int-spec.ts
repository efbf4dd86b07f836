import { loadConfig } from '@app/config';
import { RedisService } from '@app/redis';
import { stockKeys } from '@app/stock';
import { ActivityRetention } from '../../../apps/gateway/src/retention/activity-retention';
import { TestClients } from '../../support/clients';

/**
 * Retention reads its visits in batches (500 a run), by due time: many activities finishing at the same
 * instant (a sale "ending at 20:00") put a batch's end among visits due at that instant.
 */
describe('retention of many activities that finish at the same instant (real PostgreSQL and Redis)', () => {
  let clients: TestClients;
  let ids: number[] = [];

  beforeAll(async () => {
    clients = await TestClients.connect();
  });
  afterAll(async () => {
    if (ids.length > 0) {
      await clients.db.query('DELETE FROM activities WHERE id = ANY($1)', [ids]);
      await clients.redis.del(...ids.map((id) => stockKeys(id).meta));
    }
    await clients?.close();
  });

  it('when more activities than a batch are due at one instant, then the next run visits the rest', async () => {
    const rows: { id: number }[] = await clients.db.query(
      `INSERT INTO activities (name, stock, starts_at, ends_at, per_user_limit, pay_timeout_seconds)
       SELECT 'same-end ' || i, 1, date_trunc('second', now()) - interval '1 hour',
              date_trunc('second', now()) - interval '10 seconds', 1, 1
         FROM generate_series(1, 600) AS i
       RETURNING id`,
    );
    ids = rows.map((r) => r.id);
    await Promise.all(ids.map((id) => clients.redis.set(stockKeys(id).meta, 'x')));
    const config = { ...loadConfig(), ACTIVITY_RETENTION_SECONDS: 3_600 };
    const retention = new ActivityRetention(clients.db, { client: clients.redis } as RedisService, config);

    // Run after run, as the gateway does, until a run retires nothing more (the other specs' finished
    // activities come first in the batches).
    const unvisited = async () =>
      (await Promise.all(ids.map((id) => clients.redis.pttl(stockKeys(id).meta)))).filter((ms) => ms <= 0);
    for (let run = 0; run < 200 && (await retention.expireFinished()) > 0; run++);
    expect(await unvisited()).toEqual([]);
  });
});
