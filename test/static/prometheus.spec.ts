import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// Prometheus cannot run here: its compose service, scrape targets and alerts are checked statically, and
// by promtool when one is at hand (`npm test` fetches Debian's: scripts/infra.sh promtool).
const root = join(__dirname, '../..');
const read = (path: string) => parse(readFileSync(join(root, path), 'utf8'), { merge: true });
const services: Record<string, Record<string, any>> = read('docker-compose.yml').services;
const config = read('deploy/prometheus/prometheus.yml');
const rules: { alert: string; expr: string; for?: string; labels: any; annotations: any }[] = read(
  'deploy/prometheus/alerts.yml',
).groups.flatMap((g: any) => g.rules);
const APPS = {
  gateway: 'GATEWAY_PORT',
  'order-service': 'ORDER_SERVICE_PORT',
  'cancel-service': 'CANCEL_SERVICE_PORT',
  'payment-provider': 'PAYMENT_PROVIDER_PORT',
};

/** The metrics the services register (grep counter|gauge|histogram|scrapeGauge in apps/ and libs/). */
const REGISTERED = [
  'http_request_duration_seconds', // libs/http bootstrap
  'seckill_purchases_total',
  'seckill_purchase_refusals_total',
  'order_request_batch_size',
  'orders_written_total',
  'order_requests_skipped_total',
  'order_request_batch_seconds',
  'order_payments_total',
  'order_paid_announced_late_total',
  'order_requests_not_relayed_total',
  'purchase_attempts_abandoned_total',
  'reservations_recovered_total',
  'stock_transfers_completed_total',
  'redis_rebuilds_total',
  'orders_cancelled_total',
  'stock_released_total',
  'order_cancellation_lateness_seconds',
  'order_timeout_hops_total',
  'order_timeout_partitions_paused',
  'kafka_dead_letters_total',
  'kafka_consumer_group_lag', // gateway, at scrape time
  'orders_release_pending',
  'orders_overdue',
  'provider_operations_total', // payment-provider
  'provider_callback_attempts_total',
  'payment_starts_total', // order-service: payments at the provider, the saga's refunds
  'payment_callbacks_total',
  'payment_callbacks_refused_total',
  'payment_refunds_requested_total',
  'payment_refunds_total',
  'payment_refund_seconds',
];
const BUILT_IN = ['up']; // set by Prometheus on every target
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [readFileSync(path, 'utf8')] : [];
  });
const code = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))].join('\n');

/** Metric names in a PromQL expression: identifiers left once labels, ranges, strings and calls are out. */
function metricsOf(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/([a-zA-Z_:][\w:]*)\s*(\()?/g)]
    .filter((m) => !m[2] && !/^(and|or|unless|bool|offset)$/.test(m[1]))
    .map((m) => m[1]);
  return [...new Set(names)];
}

describe('Prometheus in docker-compose.yml', () => {
  it('when the stack starts, then Prometheus is a pinned Apache-2.0 image with its files mounted', () => {
    const prometheus = services.prometheus;
    expect(prometheus.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(prometheus.ports).toEqual(['9090:9090']);
    const mounts = prometheus.volumes.map((v: string) => v.split(':'));
    expect(mounts).toEqual([
      ['./deploy/prometheus/prometheus.yml', '/etc/prometheus/prometheus.yml', 'ro'],
      ['./deploy/prometheus/alerts.yml', '/etc/prometheus/alerts.yml', 'ro'],
    ]);
    for (const [source] of mounts) expect(existsSync(join(root, source))).toBe(true);
    expect(config.rule_files).toEqual(['alerts.yml']);
  });

  it("when it scrapes, then every target is a service of the stack on that service's port", () => {
    const targets = config.scrape_configs.flatMap((job: any) => {
      expect(job.metrics_path ?? '/metrics').toBe('/metrics');
      return job.static_configs.flatMap((s: any) => s.targets.map((t: string) => [job.job_name, t]));
    });
    expect(targets).toEqual(
      Object.entries(APPS).map(([app, port]) => [app, `${app}:${services[app].environment[port]}`]),
    );
  });
});

describe('the alerts of a sale (deploy/prometheus/alerts.yml)', () => {
  it('when an alert names a metric, then a service registers it', () => {
    const named = rules.flatMap((r) => metricsOf(r.expr)).map((m) => m.replace(HISTOGRAM_SUFFIX, ''));
    expect(named.filter((m) => !REGISTERED.includes(m) && !BUILT_IN.includes(m))).toEqual([]);
    for (const watched of ['kafka_consumer_group_lag', 'seckill_purchase_refusals_total'])
      expect(named).toContain(watched);
    for (const watched of ['orders_release_pending', 'kafka_dead_letters_total'])
      expect(named).toContain(watched);
  });

  it('when the code registers metrics, then they are the list above', () => {
    const registered = [...code.matchAll(/\b(?:counter|gauge|histogram|scrapeGauge)\(\s*'(\w+)'/g)].map(
      (m) => m[1],
    );
    expect([...new Set(registered)].sort()).toEqual([...REGISTERED].sort());
  });

  it('when an alert fires, then it says how bad and how urgent', () => {
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(['page', 'warn', 'info']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toEqual(expect.any(String));
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('when promtool is at hand, then it accepts the configuration, the rules and their tests', () => {
    const promtool = process.env.PROMTOOL_PATH || 'promtool';
    const run = (...args: string[]) => spawnSync(promtool, args, { cwd: root, encoding: 'utf8' });
    const version = run('--version');
    if (version.error) {
      // Not installed (a bare `npx jest`): the checks above are all there is.
      expect((version.error as NodeJS.ErrnoException).code).toBe('ENOENT');
      return;
    }
    for (const args of [
      ['check', 'config', 'deploy/prometheus/prometheus.yml'],
      ['test', 'rules', 'deploy/prometheus/alerts.test.yml'],
    ]) {
      const result = run(...args);
      expect({ args, status: result.status, output: result.stdout + result.stderr }).toMatchObject({
        status: 0,
      });
    }
  });
});
