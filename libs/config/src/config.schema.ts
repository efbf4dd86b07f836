import { z } from 'zod';

/** Local defaults: they make `npm run stack:up` work with no .env file. Production refuses the secrets. */
export const EXAMPLE_JWT_SECRET = 'local-dev-jwt-secret-change-me';
export const EXAMPLE_ADMIN_TOKEN = 'local-dev-admin-token-change-me';
export const EXAMPLE_PAYMENT_API_KEY = 'local-dev-payment-api-key-change-me';
export const EXAMPLE_PAYMENT_WEBHOOK_SECRET = 'local-dev-payment-webhook-secret-change-me';

/** The secrets production refuses to run with: each one's example value, by variable. */
const EXAMPLE_SECRETS = {
  JWT_SECRET: EXAMPLE_JWT_SECRET,
  ADMIN_TOKEN: EXAMPLE_ADMIN_TOKEN,
  PAYMENT_PROVIDER_API_KEY: EXAMPLE_PAYMENT_API_KEY,
  PAYMENT_WEBHOOK_SECRET: EXAMPLE_PAYMENT_WEBHOOK_SECRET,
} as const;

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
/** A steady rate per second (decimals allowed); 0 turns that limit off. */
const ratePerSecond = z.coerce.number().min(0).max(1_000_000);
/** Empty = not set; when set, long enough not to be guessed. */
const optionalToken = z.union([z.literal(''), z.string().min(16)]).default('');

/**
 * Every environment variable the services read, with its local default.
 * `.env.example` documents the same list; a test keeps the two (and docker-compose.yml) in step.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

    HTTP_HOST: z.string().min(1).default('127.0.0.1'),
    GATEWAY_PORT: port.default(3000),
    ORDER_SERVICE_PORT: port.default(3001),
    CANCEL_SERVICE_PORT: port.default(3002),
    HTTP_BODY_LIMIT_BYTES: positiveInt.max(1_048_576).default(16_384),
    // A slow client must not hold a connection: headers, then the whole request (body included), in time.
    HTTP_HEADERS_TIMEOUT_MS: positiveInt.max(600_000).default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: positiveInt.max(600_000).default(30_000),

    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    // Set: a Redis Cluster (these are seed nodes; the rest is discovered) and REDIS_URL is not used.
    REDIS_CLUSTER_NODES: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[\w.-]+:\d{1,5}$/, 'host:port expected'))),
    REDIS_COMMAND_TIMEOUT_MS: positiveInt.max(60_000).default(2_000),
    DATABASE_URL: z.string().url().default('postgres://seckill:seckill@127.0.0.1:5432/seckill'),
    DATABASE_POOL_SIZE: positiveInt.max(200).default(10),
    KAFKA_BROKERS: z
      .string()
      .min(1)
      .default('127.0.0.1:9092')
      .transform((s) =>
        s
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      ),
    KAFKA_TOPIC_PARTITIONS: positiveInt.max(256).default(6),
    KAFKA_REPLICATION_FACTOR: positiveInt.max(5).default(1),
    KAFKA_MIN_INSYNC_REPLICAS: positiveInt.max(5).default(1),
    TIMEOUT_DELAY_LEVELS_SECONDS: z
      .string()
      .default('1,5,10,30,60,300')
      .transform((s) => s.split(',').map((v) => Number(v.trim())))
      .pipe(z.array(z.number().int().positive()).min(1))
      .transform((levels) => [...new Set(levels)].sort((a, b) => a - b)),

    PUBLISH_LINGER_MS: z.coerce.number().int().min(0).max(60_000).default(20),
    PUBLISH_MAX_BATCH: positiveInt.max(10_000).default(500),
    PUBLISH_MAX_QUEUE: positiveInt.max(10_000_000).default(100_000),
    RESERVATION_RECOVERY_AFTER_MS: positiveInt.max(600_000).default(5_000),
    RESERVATION_RECOVERY_INTERVAL_MS: positiveInt.max(600_000).default(1_000),
    REDIS_REBUILD_CHECK_INTERVAL_MS: positiveInt.max(600_000).default(1_000),
    SWEEPER_INTERVAL_MS: positiveInt.max(600_000).default(1_000),
    SWEEPER_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),

    // Gateway risk control (apps/gateway/src/risk). Generous for the local demo and load tests, which all
    // send from one loopback address; tighten in production.
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    RATE_LIMIT_IP_PER_SECOND: ratePerSecond.default(5_000),
    RATE_LIMIT_IP_BURST: positiveInt.max(10_000_000).default(10_000),
    // An IPv6 client is limited by its network of this many bits (a host usually holds a whole /64).
    RATE_LIMIT_IPV6_PREFIX: z.coerce.number().int().min(1).max(128).default(64),
    RATE_LIMIT_USER_PER_SECOND: ratePerSecond.default(2),
    RATE_LIMIT_USER_BURST: positiveInt.max(10_000).default(5),
    ADMISSION_RATE_PER_SECOND: ratePerSecond.default(2_000),
    ADMISSION_BURST: positiveInt.max(10_000_000).default(1_000),
    RISK_REFRESH_INTERVAL_MS: positiveInt.max(600_000).default(2_000),
    // Lookups of activities this gateway has not cached (a Redis read each), across all callers.
    RATE_LIMIT_LOOKUP_PER_SECOND: ratePerSecond.default(200),
    RATE_LIMIT_LOOKUP_BURST: positiveInt.max(1_000_000).default(400),
    // reserve.lua judges with the gateway's clock only within this distance of Redis's own; 0 = off.
    CLOCK_SKEW_MAX_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
    REDIS_EVICTION_CHECK: z.enum(['refuse', 'warn']).default('refuse'),
    ACTIVITY_RETENTION_SECONDS: positiveInt.max(31_536_000).default(604_800),
    ACTIVITY_RETENTION_INTERVAL_MS: positiveInt.max(3_600_000).default(60_000),
    PURCHASE_TOKEN_TTL_SECONDS: positiveInt.max(3_600).default(30),
    CHALLENGE_TTL_SECONDS: positiveInt.max(3_600).default(120),
    // How often each gateway advances the waiting rooms it serves (and re-reads their "now serving").
    WAITING_ROOM_TICK_MS: positiveInt.min(20).max(5_000).default(250),

    JWT_SECRET: z.string().min(16).default(EXAMPLE_JWT_SECRET),
    ADMIN_TOKEN: z.string().min(16).default(EXAMPLE_ADMIN_TOKEN),
    JWT_ISSUER: z.string().max(200).default(''),
    JWT_AUDIENCE: z.string().max(200).default(''),
    JWT_MAX_LIFETIME_SECONDS: positiveInt.max(31_536_000).default(86_400),
    OPS_TOKEN: optionalToken,
    HEALTH_CHECK_TIMEOUT_MS: positiveInt.max(30_000).default(1_500),
    HEALTH_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
    // false: the dashboard's data endpoints answer 404 (production needs this or a DASHBOARD_TOKEN).
    DASHBOARD_ENABLED: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    DASHBOARD_TOKEN: optionalToken,
    DASHBOARD_MAX_VIEWERS: positiveInt.max(100_000).default(100),
    DASHBOARD_INTERVAL_MS: positiveInt.max(60_000).default(1_000),
    DASHBOARD_HISTORY_POINTS: positiveInt.max(10_000).default(600),

    // The payment provider (apps/payment-provider, a stand-in for a real one) and the shop's side of it.
    PAYMENT_PROVIDER_PORT: port.default(3003),
    PAYMENT_PROVIDER_URL: z.string().url().default('http://127.0.0.1:3003'),
    PAYMENT_PROVIDER_API_KEY: z.string().min(16).default(EXAMPLE_PAYMENT_API_KEY),
    PAYMENT_WEBHOOK_SECRET: z.string().min(16).default(EXAMPLE_PAYMENT_WEBHOOK_SECRET),
    PAYMENT_WEBHOOK_TOLERANCE_SECONDS: positiveInt.max(3_600).default(300),
    PAYMENT_CALLBACK_URL: z.string().url().default('http://127.0.0.1:3001/api/payments/callbacks'),
    PAYMENT_PROVIDER_TIMEOUT_MS: positiveInt.max(60_000).default(3_000),
    PAYMENT_UNIT_PRICE: positiveInt.max(10_000_000).default(9_900),
    PAYMENT_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY')
      .default('CNY'),
    PAYMENT_REFUND_RETRY_MS: positiveInt.max(600_000).default(2_000),
    PAYMENT_CALLBACK_RETRY_BASE_MS: positiveInt.max(60_000).default(250),
    PAYMENT_CALLBACK_RETRY_MAX_MS: positiveInt.max(3_600_000).default(30_000),
    PAYMENT_PROVIDER_TEST_SWITCHES: z.enum(['on', 'off']).default('on'),
  })
  .superRefine((c, ctx) => {
    if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_HEADERS_TIMEOUT_MS'],
        message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS',
      });
    }
    if (c.KAFKA_MIN_INSYNC_REPLICAS > c.KAFKA_REPLICATION_FACTOR) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_MIN_INSYNC_REPLICAS'],
        message: 'cannot exceed KAFKA_REPLICATION_FACTOR (no write would ever be acknowledged)',
      });
    }
    if (c.PAYMENT_CALLBACK_RETRY_BASE_MS > c.PAYMENT_CALLBACK_RETRY_MAX_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYMENT_CALLBACK_RETRY_BASE_MS'],
        message: 'must not exceed PAYMENT_CALLBACK_RETRY_MAX_MS',
      });
    }
    if (c.NODE_ENV !== 'production') return;
    for (const [key, example] of Object.entries(EXAMPLE_SECRETS)) {
      if (c[key as keyof typeof EXAMPLE_SECRETS] === example) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'the example value is refused in production' });
      }
    }
    if (c.DASHBOARD_ENABLED && c.DASHBOARD_TOKEN === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['DASHBOARD_TOKEN'],
        message: 'an open dashboard is refused in production: set it, or DASHBOARD_ENABLED=false',
      });
    }
  });

export type AppConfig = z.infer<typeof configSchema>;
export const CONFIG_KEYS = Object.keys(configSchema.shape) as (keyof AppConfig)[];
