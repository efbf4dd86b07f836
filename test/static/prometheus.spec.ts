import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { composeServices, envOf } from './compose-file';

// Prometheus cannot run here: its compose service, scrape targets and alerts are checked statically, and
// by promtool when one is at hand (`npm test` fetches Debian's: scripts/infra.sh promtool).
const root = join(__dirname, '../..');
const read = (path: string) => parse(readFileSync(join(root, path), 'utf8'), { merge: true });
const rules: { alert: string; expr: string; for?: string; labels: any; annotations: any }[] = read(
  'deploy/prometheus/alerts.yml',
).groups.flatMap((g: any) => g.rules);
const APPS = {
  gateway: 'GATEWAY_PORT',
  'order-service': 'ORDER_SERVICE_PORT',
  'cancel-service': 'CANCEL_SERVICE_PORT',
  'payment-provider': 'PAYMENT_PROVIDER_PORT',
};
/** Each compose file's Prometheus: its configuration and the host port of its UI. */
const STACKS = [
  { file: 'docker-compose.yml', config: 'deploy/prometheus/prometheus.yml', port: 9090 },
  { file: 'docker-compose.cluster.yml', config: 'deploy/prometheus/prometheus.cluster.yml', port: 9190 },
];
const promtool = process.env.PROMTOOL_PATH || 'promtool';
const runPromtool = (...args: string[]) => spawnSync(promtool, args, { cwd: root, encoding: 'utf8' });

/** The metrics the services register (grep counter|gauge|histogram|scrapeGauge in apps/ and libs/). */
const REGISTERED = [
  'http_request_duration_seconds', // libs/http bootstrap
  'seckill_purchases_total',
  'seckill_sales_held',
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
  'order_timeout_lag', // gateway, at scrape time: due vs scheduled
  'seckill_waiting_room', // gateway, at scrape time: its copies of the waiting rooms
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
  'payment_refunded_announced_late_total',
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

describe.each(STACKS)('Prometheus in $file', ({ file, config: configFile, port }) => {
  const services = composeServices(file);
  const prometheus = services.prometheus ?? {};
  const config = existsSync(join(root, configFile)) ? read(configFile) : { scrape_configs: [] };
  /** The instances of the three services: `gateway`, or `gateway-1` and `gateway-2` in the cluster. */
  const apps = Object.keys(services).filter((name) => name.replace(/-\d$/, '') in APPS);
  /** The entrypoint's script as its shell gets it: compose turns `$$` into `$`. */
  const script = String(prometheus.entrypoint?.[2] ?? '').replaceAll('$$', '$');

  it('when the stack starts, then Prometheus is a pinned Apache-2.0 image with its files mounted', () => {
    expect(prometheus.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(prometheus.ports).toEqual([`${port}:9090`]);
    const mounts = prometheus.volumes.map((v: string) => v.split(':'));
    expect(mounts).toEqual([
      [`./${configFile}`, '/etc/prometheus/prometheus.yml', 'ro'],
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
    const kind = (app: string) => app.replace(/-\d$/, '') as keyof typeof APPS;
    expect(targets).toEqual(
      apps.map((app) => [kind(app), `${app}:${envOf(services, app)[APPS[kind(app)]]}`]),
    );
  });

  it('when the stack starts, then Prometheus waits for every service to be healthy: no ServiceDown on a cold start', () => {
    expect(prometheus.depends_on).toEqual(
      Object.fromEntries(apps.map((app) => [app, { condition: 'service_healthy' }])),
    );
  });

  it('when OPS_TOKEN is set, then every job scrapes with it, from a file the entrypoint writes beside the configuration', () => {
    expect(prometheus.environment).toEqual({ OPS_TOKEN: services[apps[0]].environment.OPS_TOKEN });
    for (const job of config.scrape_configs)
      expect([job.job_name, job.authorization]).toEqual([
        job.job_name,
        { type: 'Bearer', credentials_file: 'ops-token' },
      ]);
    expect(prometheus.entrypoint?.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    // `$$`: the shell reads the token from its environment; compose does not paste it into the command.
    expect(prometheus.entrypoint[2]).toContain('"$$OPS_TOKEN"');
    // Overriding the entrypoint drops the image's command: the script runs it, as the image would.
    expect(script).toMatch(
      /^exec \/bin\/prometheus --config\.file=\/etc\/prometheus\/prometheus\.yml --storage\.tsdb\.path=\/prometheus$/m,
    );
  });

  it('when the entrypoint runs with a token, then the file holds it, readable by Prometheus alone, and promtool accepts the configuration', () => {
    const sandbox = mkdtempSync(join(tmpdir(), 'prometheus-'));
    try {
      copyFileSync(join(root, configFile), join(sandbox, 'prometheus.yml'));
      copyFileSync(join(root, 'deploy/prometheus/alerts.yml'), join(sandbox, 'alerts.yml'));
      const token = 'ops-token-of-the-sale';
      const run = spawnSync(
        'sh',
        [
          '-c',
          script
            .replaceAll('/etc/prometheus/', `${sandbox}/`)
            .replace(/^exec \/bin\/prometheus .*$/m, 'exit 0'),
        ],
        { env: { PATH: process.env.PATH, OPS_TOKEN: token }, encoding: 'utf8' },
      );
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      const tokenFile = join(
        sandbox,
        posix.basename(config.scrape_configs[0].authorization.credentials_file),
      );
      expect(readFileSync(tokenFile, 'utf8')).toBe(token);
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const check = runPromtool('check', 'config', join(sandbox, 'prometheus.yml'));
      if (check.error) return expect((check.error as NodeJS.ErrnoException).code).toBe('ENOENT'); // no promtool
      expect({ status: check.status, output: check.stdout + check.stderr }).toMatchObject({ status: 0 });
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
    }
  });
});

describe('the alerts of a sale (deploy/prometheus/alerts.yml)', () => {
  it('when an alert names a metric, then a service registers it', () => {
    const named = rules.flatMap((r) => metricsOf(r.expr)).map((m) => m.replace(HISTOGRAM_SUFFIX, ''));
    expect(named.filter((m) => !REGISTERED.includes(m) && !BUILT_IN.includes(m))).toEqual([]);
    for (const watched of ['kafka_consumer_group_lag', 'seckill_purchase_refusals_total'])
      expect(named).toContain(watched);
    for (const watched of ['orders_release_pending', 'kafka_dead_letters_total', 'order_timeout_lag'])
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

  it('when promtool is at hand, then it accepts the rules and their tests pass', () => {
    // The configuration is checked above, per compose file, with the token file its entrypoint writes.
    const version = runPromtool('--version');
    if (version.error) {
      // Not installed (a bare `npx jest`): the checks above are all there is.
      expect((version.error as NodeJS.ErrnoException).code).toBe('ENOENT');
      return;
    }
    for (const args of [
      ['check', 'rules', 'deploy/prometheus/alerts.yml'],
      ['test', 'rules', 'deploy/prometheus/alerts.test.yml'],
    ]) {
      const result = runPromtool(...args);
      expect({ args, status: result.status, output: result.stdout + result.stderr }).toMatchObject({
        status: 0,
      });
    }
  });
});
