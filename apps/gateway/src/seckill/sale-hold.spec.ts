import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { RedisService } from '@app/redis';
import { eventually } from '../../../../test/support/eventually';
import { SaleHold } from './sale-hold';

/** A single Redis at the hold's port: its run id, its keys, and a reply that can be held back. */
class FakeRedis extends EventEmitter {
  runId = 'first';
  status = 'ready';
  readonly keys = new Map<string, string>();
  /** while set, INFO waits for it: a check in flight */
  gate?: Promise<void>;

  async info(): Promise<string> {
    this.infos++;
    const runId = this.runId;
    await this.gate;
    return `# Server\r\nrun_id:${runId}\r\n`;
  }

  /** GETs answered: a check on a server it has not trusted yet asks for the vouch */
  gets = 0;

  async get(key: string): Promise<string | null> {
    this.gets++;
    return this.keys.get(key) ?? null;
  }

  /** INFOs asked: one per check */
  infos = 0;

  drop(): void {
    this.status = 'reconnecting';
    this.emit('close');
  }

  back(): void {
    this.status = 'ready';
    this.emit('ready');
  }

  /** What the order-service writes once it has rebuilt this server from the ledger. */
  vouch(): void {
    this.keys.set('seckill:{ledger-mark-0}:rebuilt-run-id', this.runId);
  }
}

describe('the sale hold (a Redis that may be behind the ledger)', () => {
  let redis: FakeRedis;
  let hold: SaleHold;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    redis = new FakeRedis();
    const config = { REDIS_REBUILD_CHECK_INTERVAL_MS: 600_000 } as AppConfig;
    hold = new SaleHold(config, { client: redis } as unknown as RedisService);
    await hold.onApplicationBootstrap();
  });
  afterEach(() => hold.beforeApplicationShutdown());

  it('when the gateway starts, then it sells from the server it finds, vouched for or not', () => {
    expect(hold.holding).toBe(false);
  });

  it('when the connection drops and comes back to the same server, then the sales resume', async () => {
    redis.drop();
    expect(hold.holding).toBe(true);

    redis.back();

    await eventually(() => expect(hold.holding).toBe(false));
  });

  it('when the connection comes back to a restarted server, then the sales stay held until the ledger vouches for it', async () => {
    redis.vouch(); // the old server's run id, as an older AOF brings it back
    redis.drop();
    redis.runId = 'restarted';
    redis.back();
    await eventually(() => expect(redis.gets).toBeGreaterThan(0)); // the check asked for the vouch
    await new Promise((resolve) => setImmediate(resolve));
    expect(hold.holding).toBe(true);

    redis.vouch();

    await eventually(() => expect(hold.holding).toBe(false));
  });

  it('when the connection is down, then no check is sent until it is ready again', async () => {
    jest.useFakeTimers();
    try {
      redis.drop();
      const before = redis.infos;
      await jest.advanceTimersByTimeAsync(1_000);
      expect(redis.infos).toBe(before);
    } finally {
      jest.useRealTimers();
    }
    redis.back();
    await eventually(() => expect(hold.holding).toBe(false));
  });

  it('when the connection drops while a check is in flight, then that check does not lift the hold', async () => {
    let answer!: () => void;
    redis.gate = new Promise((resolve) => (answer = resolve));
    redis.drop();
    redis.back(); // a check starts, asking the server it reached
    redis.drop(); // …which goes away before the answer
    redis.runId = 'restarted';
    answer();
    redis.gate = undefined;
    await new Promise((resolve) => setImmediate(resolve));

    expect(hold.holding).toBe(true);
    const gets = redis.gets;
    redis.back();
    await eventually(() => expect(redis.gets).toBeGreaterThan(gets)); // the restarted server, asked
    await new Promise((resolve) => setImmediate(resolve));
    expect(hold.holding).toBe(true);
    redis.vouch();
    await eventually(() => expect(hold.holding).toBe(false));
  });

  it('when the connection drops during a check that never answers, then the check after it does not wait for it', async () => {
    redis.gate = new Promise(() => undefined); // the old connection's command: never answered here
    redis.drop();
    redis.back(); // a check starts and hangs
    redis.gate = undefined;
    redis.drop();

    redis.back(); // the same server: the sale may resume at once

    await eventually(() => expect(hold.holding).toBe(false), { timeoutMs: 1_000 });
  });
});

describe('the sale hold of a gateway whose first check failed', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('when Redis then comes back restarted, then the gateway does not trust it at first sight', async () => {
    const redis = new FakeRedis();
    redis.vouch(); // the old server's run id
    redis.gate = Promise.reject(new Error('Command timed out')); // the check at the start fails
    redis.gate.catch(() => undefined);
    const hold = new SaleHold(
      { REDIS_REBUILD_CHECK_INTERVAL_MS: 600_000 } as AppConfig,
      {
        client: redis,
      } as unknown as RedisService,
    );
    await hold.onApplicationBootstrap();
    redis.gate = undefined;
    try {
      redis.drop();
      redis.runId = 'restarted';
      redis.back();
      await eventually(() => expect(redis.gets).toBeGreaterThan(0));
      await new Promise((resolve) => setImmediate(resolve));
      expect(hold.holding).toBe(true);

      redis.vouch();

      await eventually(() => expect(hold.holding).toBe(false));
    } finally {
      await hold.beforeApplicationShutdown();
    }
  });
});
