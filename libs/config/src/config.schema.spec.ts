import { EXAMPLE_ADMIN_TOKEN, EXAMPLE_JWT_SECRET, EXAMPLE_PAYMENT_WEBHOOK_SECRET } from './config.schema';
import { ConfigError, parseConfig } from './load-config';

describe('configuration', () => {
  it('when nothing is set, then every variable has a local default', () => {
    const config = parseConfig({});
    expect(config.GATEWAY_PORT).toBe(3000);
    expect(config.ORDER_SERVICE_PORT).toBe(3001);
    expect(config.CANCEL_SERVICE_PORT).toBe(3002);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.JWT_SECRET).toBe(EXAMPLE_JWT_SECRET);
  });

  it('when a value is wrong, then the error names the variable', () => {
    expect(() => parseConfig({ GATEWAY_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseConfig({ GATEWAY_PORT: 'eighty' })).toThrow(/GATEWAY_PORT/);
  });

  it('when production runs with the example secrets, then it refuses every one', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET[\s\S]*ADMIN_TOKEN[\s\S]*PAYMENT_PROVIDER_API_KEY[\s\S]*PAYMENT_WEBHOOK_SECRET/,
    );
  });

  it('when production has its own secrets, then it starts', () => {
    const config = parseConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      ADMIN_TOKEN: 'y'.repeat(32),
      PAYMENT_PROVIDER_API_KEY: 'k'.repeat(32),
      PAYMENT_WEBHOOK_SECRET: 'w'.repeat(32),
      DASHBOARD_TOKEN: 'z'.repeat(32),
    });
    expect(config.ADMIN_TOKEN).not.toBe(EXAMPLE_ADMIN_TOKEN);
  });

  it('when production keeps only the example webhook secret, then it is refused by name', () => {
    const own = {
      JWT_SECRET: 'x'.repeat(32),
      ADMIN_TOKEN: 'y'.repeat(32),
      PAYMENT_PROVIDER_API_KEY: 'k'.repeat(32),
    };
    expect(() => parseConfig({ NODE_ENV: 'production', ...own })).toThrow(/PAYMENT_WEBHOOK_SECRET/);
    expect(parseConfig({ ...own, PAYMENT_WEBHOOK_SECRET: EXAMPLE_PAYMENT_WEBHOOK_SECRET }).NODE_ENV).toBe(
      'development',
    );
  });

  it('when the payment settings are wrong, then the error names them', () => {
    expect(parseConfig({}).PAYMENT_PROVIDER_PORT).toBe(3003);
    expect(() => parseConfig({ PAYMENT_CURRENCY: 'yuan' })).toThrow(/PAYMENT_CURRENCY/);
    expect(() =>
      parseConfig({ PAYMENT_CALLBACK_RETRY_BASE_MS: '5000', PAYMENT_CALLBACK_RETRY_MAX_MS: '1000' }),
    ).toThrow(/PAYMENT_CALLBACK_RETRY_BASE_MS/);
  });

  it('when production has no DASHBOARD_TOKEN, then it refuses to start, unless the dashboard is off', () => {
    const secrets = {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      ADMIN_TOKEN: 'y'.repeat(32),
      PAYMENT_PROVIDER_API_KEY: 'k'.repeat(32),
      PAYMENT_WEBHOOK_SECRET: 'w'.repeat(32),
    };
    expect(() => parseConfig(secrets)).toThrow(/DASHBOARD_TOKEN/);
    expect(parseConfig({ ...secrets, DASHBOARD_ENABLED: 'false' }).DASHBOARD_ENABLED).toBe(false);
    expect(parseConfig({}).DASHBOARD_ENABLED).toBe(true); // development: open, as before
    expect(() => parseConfig({ DASHBOARD_ENABLED: 'maybe' })).toThrow(/DASHBOARD_ENABLED/);
  });

  it('when the risk limits are not set, then a burst of thousands from one address still passes', () => {
    const config = parseConfig({});
    expect(config.TRUST_PROXY).toBe(0);
    expect(config.RATE_LIMIT_IP_BURST).toBeGreaterThanOrEqual(5_000);
    expect(config.RATE_LIMIT_USER_BURST).toBeLessThan(20); // one buyer hammering is limited
  });

  it('when a rate limit is 0, then it is accepted (off); a negative one names the variable', () => {
    expect(parseConfig({ RATE_LIMIT_USER_PER_SECOND: '0' }).RATE_LIMIT_USER_PER_SECOND).toBe(0);
    expect(parseConfig({ ADMISSION_RATE_PER_SECOND: '0.5' }).ADMISSION_RATE_PER_SECOND).toBe(0.5);
    expect(() => parseConfig({ RATE_LIMIT_IP_PER_SECOND: '-1' })).toThrow(/RATE_LIMIT_IP_PER_SECOND/);
    expect(() => parseConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });

  it('when IPv6 clients are limited by prefix, then the default is a /64 and only a prefix length is accepted', () => {
    expect(parseConfig({}).RATE_LIMIT_IPV6_PREFIX).toBe(64);
    expect(parseConfig({ RATE_LIMIT_IPV6_PREFIX: '128' }).RATE_LIMIT_IPV6_PREFIX).toBe(128);
    for (const wrong of ['0', '129', '64.5', 'slash-64']) {
      expect(() => parseConfig({ RATE_LIMIT_IPV6_PREFIX: wrong })).toThrow(/RATE_LIMIT_IPV6_PREFIX/);
    }
  });

  it('when brokers are a list, then they are split and trimmed', () => {
    expect(parseConfig({ KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });

  it('when REDIS_CLUSTER_NODES is unset, then it is empty (one server); set, it is a checked host:port list', () => {
    expect(parseConfig({}).REDIS_CLUSTER_NODES).toEqual([]);
    expect(parseConfig({ REDIS_CLUSTER_NODES: 'a:7001, b:7002' }).REDIS_CLUSTER_NODES).toEqual([
      'a:7001',
      'b:7002',
    ]);
    expect(() => parseConfig({ REDIS_CLUSTER_NODES: 'a:7001,b' })).toThrow(/REDIS_CLUSTER_NODES/);
  });

  it('when min in-sync replicas exceed the replication factor, then it is refused', () => {
    expect(parseConfig({}).KAFKA_MIN_INSYNC_REPLICAS).toBe(1);
    expect(() => parseConfig({ KAFKA_MIN_INSYNC_REPLICAS: '2' })).toThrow(/KAFKA_MIN_INSYNC_REPLICAS/);
    const cluster = parseConfig({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    expect(cluster.KAFKA_MIN_INSYNC_REPLICAS).toBe(2);
  });
});
