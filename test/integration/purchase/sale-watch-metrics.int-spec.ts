import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createService } from '@app/http';
import { RedisService } from '@app/redis';
import { GatewayModule } from '../../../apps/gateway/src/gateway.module';
import { CancelFixtures } from '../../support/cancel-fixtures';
import { eventually } from '../../support/eventually';

// The gauges that deploy/prometheus/alerts.yml pages on, read from the gateway's real /metrics.
// Ten minutes of grace: an order cancelled during the test stays within it, one cancelled an hour ago not.
process.env.SWEEPER_GRACE_MS = '600000';
describe('the gateway /metrics that the alerts of a sale watch (real Redis, PostgreSQL, Kafka)', () => {
  let app: NestFastifyApplication;
  let fixtures: CancelFixtures;

  beforeAll(async () => {
    app = await createService(GatewayModule, 'gateway');
    await app.init();
    fixtures = new CancelFixtures(app.get(DataSource), app.get(RedisService).client);
  });
  afterAll(async () => {
    await fixtures.cleanup();
    await app.close();
  });

  const gauge = async (sample: string) => {
    const text = (await app.inject({ url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith(`${sample} `) || l.startsWith(`${sample}{`));
    if (!line) throw new Error(`${sample} is not in /metrics`);
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it('when scraped, then the lag of both consumer groups is there, measured', async () => {
    for (const group of ['order-service', 'cancel-service'])
      expect(
        await gauge(`kafka_consumer_group_lag{group="${group}",service="gateway"}`),
      ).toBeGreaterThanOrEqual(0);
  });

  it('when a cancelled order has not released its stock, or an order is overdue, then each gauge counts it', async () => {
    const [pending, overdue] = [await gauge('orders_release_pending'), await gauge('orders_overdue')];
    const activity = await fixtures.activity(5);
    const anHourAgo = Date.now() - 3_600_000;
    await fixtures.order(activity, { expiresAt: anHourAgo, status: 'CANCELLED', cancelledAt: anHourAgo });
    await fixtures.order(activity, { expiresAt: anHourAgo });
    // Within the sweeper's grace, a cancellation is still its timeout message's to finish: not counted.
    await fixtures.order(activity, { expiresAt: Date.now(), status: 'CANCELLED', cancelledAt: Date.now() });
    // A gauge is measured at most once a second: the next measure sees the new rows.
    await eventually(async () => {
      expect(await gauge('orders_release_pending')).toBe(pending + 1);
      expect(await gauge('orders_overdue')).toBe(overdue + 1);
    });
  });
});
