import { ConfigResourceTypes, ConfigSource } from 'kafkajs';
import { loadConfig } from '@app/config';
import { TOPICS } from '@app/contracts';
import { createKafka } from '@app/kafka';
import { blacklist, createActivity, pay, purchase } from '../support/api';
import { allShardKeys } from '@app/stock';
import { TestClients } from '../support/clients';
import { masterPortOf } from '../support/cluster';
import { metricValue } from '../support/metric-value';
import { eventually } from '../support/eventually';
import { expectEveryAcceptedOrdered } from '../support/faults';
import { ServiceProcess } from '../support/service-process';
import { wave } from '../support/waves';

describe('cluster: a sale on a Redis Cluster and three Kafka brokers, two instances of every service', () => {
  let clients: TestClients;
  let services: ServiceProcess[];

  beforeAll(async () => {
    clients = await TestClients.connect();
    services = await ServiceProcess.startAll(['gateway', 'order-service', 'cancel-service'], {}, 2);
  });
  afterAll(async () => {
    await Promise.all(services?.map((s) => s.stop()) ?? []);
    await clients?.close();
  });

  it('when distinct buyers burst on both gateways, then exactly the stock is sold, paid orders stay, unpaid ones time out and their stock comes back once, and reconcile holds', async () => {
    const [gateway, orders, , gateway2, orders2] = services;
    const activity = await createActivity(gateway.url, { stock: 200, payTimeoutSeconds: 8 });
    const burst = await wave([gateway.url, gateway2.url], activity.id, `cl-${activity.id}`, 300);
    expect(burst.statuses).toEqual({ '202': 200, '409 SOLD_OUT': 100 });
    // Both gateways sold: the stock is shared through the cluster, not split per instance.
    const byGateway = [0, 1].map(
      (g) => burst.replies.filter((r, i) => i % 2 === g && r.status === 202).length,
    );
    expect(Math.min(...byGateway)).toBeGreaterThan(0);

    const buyerOf = new Map(
      burst.replies.flatMap((r, i) =>
        r.status === 202 ? [[r.body.orderId!, `cl-${activity.id}-${i}`]] : [],
      ),
    );
    const paid = burst.accepted.slice(0, 50);
    await Promise.all(
      paid.map((id, i) =>
        eventually(
          async () => (await pay([orders, orders2][i % 2].url, id, buyerOf.get(id)!)).status === 200 || false,
          { timeoutMs: 30_000, intervalMs: 200 },
        ),
      ),
    );

    const byStatus = async () => {
      const rows = await clients.orders(activity.id);
      return {
        PAID: rows.filter((o) => o.status === 'PAID').length,
        CANCELLED: rows.filter((o) => o.status === 'CANCELLED').length,
      };
    };
    await eventually(async () => expect(await byStatus()).toEqual({ PAID: 50, CANCELLED: 150 }), {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    const figures = await expectEveryAcceptedOrdered(clients, activity.id, burst.accepted);
    expect(figures).toEqual({ lost: 0, duplicated: 0, oversold: 0 });
    expect(await clients.remaining(activity.id)).toBe(150);

    // release.lua's PUBLISH, run on whichever master holds the activity, cleared both gateways' sold-out flags.
    const again = await Promise.all(
      [gateway, gateway2].map((g, i) => purchase(g.url, activity.id, `cl-${activity.id}-again-${i}`)),
    );
    expect(again.map((r) => r.status)).toEqual([202, 202]);
  });

  it('when a hot activity has three stock shards, then they sit on three masters and a burst on both gateways sells exactly the stock', async () => {
    const [gateway, , , gateway2] = services;
    const activity = await createActivity(gateway.url, { stock: 300, stockShards: 3 });
    const masters = await Promise.all(allShardKeys(activity.id, 3).map((k) => masterPortOf(k.stock)));
    expect(new Set(masters).size).toBe(3);

    const burst = await wave([gateway.url, gateway2.url], activity.id, `cl-sh-${activity.id}`, 400);

    expect(burst.statuses).toEqual({ '202': 300, '409 SOLD_OUT': 100 });
    const shardStocks = await Promise.all(
      allShardKeys(activity.id, 3).map((k) => clients.redis.get(k.stock)),
    );
    expect(shardStocks).toEqual(['0', '0', '0']);
    const figures = await expectEveryAcceptedOrdered(clients, activity.id, burst.accepted);
    expect(figures).toEqual({ lost: 0, duplicated: 0, oversold: 0 });
    await clients.expectReconciled(activity.id);
  });

  it('when an open activity sits idle for a minute, then no order-service rebuilds it: each master is asked for its own run id', async () => {
    const [gateway] = services;
    const orderServices = services.filter((s) => s.name === 'order-service');
    await createActivity(gateway.url, { stock: 10, payTimeoutSeconds: 300 });
    const rebuilds = async () => {
      const texts = await Promise.all(
        orderServices.map(async (s) => (await fetch(`${s.url}/metrics`)).text()),
      );
      return texts.reduce((sum, text) => sum + metricValue(text, 'redis_rebuilds_total'), 0);
    };
    const before = await rebuilds();
    // Watched, not slept through: every sample over the minute must show the same count.
    const minute = Date.now() + 60_000;
    const samples: number[] = [];
    await eventually(
      async () => {
        samples.push(await rebuilds());
        return Date.now() >= minute;
      },
      { timeoutMs: 75_000, intervalMs: 1_000 },
    );
    expect(samples.length).toBeGreaterThanOrEqual(50);
    expect(new Set(samples)).toEqual(new Set([before]));
  }, 120_000);

  it('when a user is blacklisted on one gateway, then the other refuses them too', async () => {
    const [gateway, , , gateway2] = services;
    const activity = await createActivity(gateway2.url, { stock: 10 });
    const user = `cl-blocked-${activity.id}`;
    await blacklist(gateway.url, 'user', user);
    // Until the other gateway has heard of it, a purchase there may still pass: those are counted.
    let admitted = 0;
    const refused = await eventually(
      async () => {
        const r = await purchase(gateway2.url, activity.id, user);
        if (r.status === 202) admitted++;
        return r.status === 403 && r;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(refused.body.code).toBe('BLOCKED');
    expect(admitted).toBeLessThanOrEqual(1); // one live order per buyer: a second attempt is refused anyway
    expect(await clients.remaining(activity.id)).toBe(10 - admitted);
  });

  it('when the services created the topics, then each has three replicas and refuses a write fewer than two hold', async () => {
    const admin = createKafka(loadConfig(), 'cluster-spec').admin();
    await admin.connect();
    try {
      const topic = TOPICS.orderRequests;
      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(meta.partitions.every((p) => p.replicas.length === 3)).toBe(true);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
      });
      expect(resources[0].configEntries).toEqual([
        expect.objectContaining({
          configName: 'min.insync.replicas',
          configValue: '2',
          configSource: ConfigSource.TOPIC_CONFIG,
        }),
      ]);
    } finally {
      await admin.disconnect();
    }
  });
});
