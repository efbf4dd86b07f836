import { Logger } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { AppConfig } from '@app/config';
import { RedisService } from '@app/redis';
import { eventually } from '../../../../test/support/eventually';
import { SaleHold } from './sale-hold';

const SLOTS = 16_384;

/**
 * A cluster client that never connects: the test sets the masters it lists (each with its run id), its
 * slot map and the values its GETs find.
 */
class FakeCluster extends Cluster {
  masters: { at: string; runId: string }[] = [];
  readonly stored = new Map<string, string>();
  /** INFOs answered: one per master a check asks */
  infos = 0;
  refreshes = 0;

  constructor() {
    super([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    this.status = 'ready';
  }

  /** Every slot's master, as the client's slot map has it. */
  own(at: string): void {
    this.slots = Array.from({ length: SLOTS }, () => [at]);
  }

  override nodes(): never {
    return this.masters.map(({ at, runId }) => {
      const [host, port] = at.split(':');
      const info = async () => (this.infos++, `run_id:${runId}\r\n`);
      return { options: { host, port: Number(port) }, info };
    }) as never;
  }

  override refreshSlotsCache(): void {
    this.refreshes++;
  }

  override get = (async (key: string) => this.stored.get(key) ?? null) as never;
}

describe('the sale hold on a Redis Cluster', () => {
  let cluster: FakeCluster;
  let hold: SaleHold;

  beforeAll(() => Logger.overrideLogger(false));
  afterEach(async () => {
    await hold?.beforeApplicationShutdown();
    cluster.disconnect();
  });

  it('when the gateway starts while a master is gone, then the replica promoted in its place waits for the vouch', async () => {
    cluster = new FakeCluster();
    cluster.own('a:1');
    cluster.masters = []; // the client's connection to the master of every slot has ended
    hold = new SaleHold(
      { REDIS_REBUILD_CHECK_INTERVAL_MS: 600_000 } as AppConfig,
      {
        client: cluster,
      } as unknown as RedisService,
    );
    await hold.onApplicationBootstrap();
    expect(hold.holding).toBe(true);
    expect(cluster.refreshes).toBe(1); // the slot map asked again: held purchases cause no redirect

    cluster.masters = [{ at: 'b:2', runId: 'promoted' }];
    cluster.own('b:2');
    await eventually(() => expect(cluster.infos).toBeGreaterThan(0)); // the next check (50 ms) asks it
    await new Promise((resolve) => setImmediate(resolve));
    expect(hold.holding).toBe(true);

    cluster.stored.set('seckill:{ledger-mark-0}:rebuilt-run-id', 'promoted');

    await eventually(() => expect(hold.holding).toBe(false));
  });
});
