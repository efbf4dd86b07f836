import { cpus, loadavg } from 'node:os';
import { Client } from 'pg';
import { AppConfig } from '@app/config';
import { SeckillApi, StartedPayment } from '../../test/support/seckill-api';
import { Verdict, reconcile } from './invariants';
import { Percentiles, percentiles, round } from './stats';
import { produceAll, reserveAll } from './wave-setup';

export interface PaymentsShape {
  /** orders paid in time: their callbacks measure what the order-service applies per second */
  paid: number;
  /** orders paid after their deadline, all at once: the wave of refunds */
  late: number;
  /** the late orders' pay timeout (the bench waits it out before they pay) */
  latePayTimeoutSeconds: number;
  /** the provider delivers every callback twice (the shop applies each once) */
  duplicateCallbacks: boolean;
}

export interface PaymentsRun {
  shape: PaymentsShape;
  activities: { paid: number; late: number };
  /** POST /api/orders/:id/payments answered per second (each one a call to the provider) */
  startsPerSecond: number;
  callbacks: {
    /** payments CAPTURED (their order PAID) by their callback */
    applied: number;
    /** applied ÷ the time from the first completion at the provider to the last capture in the shop */
    appliedPerSecond: number;
    /** captured_at − the completion's answer at the provider, per payment */
    latencyMs: Percentiles | null;
  };
  refunds: {
    refunded: number;
    /** refunded_at − refund_requested_at (the late payment recorded), per payment: the saga's latency */
    latencyMs: Percentiles | null;
    /** from the first late completion to the last refund */
    waveS: number | null;
    /** late payments with exactly one refund, in full, on the provider's statement */
    refundedOnceAtProvider: number;
  };
  /** the machine while it ran: cores and the 1-minute load average at the start (others may share it) */
  machine: { cores: number; loadAverage: number };
  complete: boolean;
  verdicts: { paid: Verdict | null; late: Verdict | null };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const WAIT_MS = 60_000;

/** `work` over `items`, `concurrency` at a time. */
async function pool<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]);
      }
    }),
  );
  return out;
}

async function until<T>(what: string, check: () => Promise<T | false>, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`payments: ${what} not within ${timeoutMs / 1000} s`);
    await pause(100);
  }
}

/** Orders written by the real order-service: reservations by reserve.lua, order requests to Kafka. */
async function ordersOf(
  config: AppConfig,
  api: SeckillApi,
  db: Client,
  label: string,
  count: number,
  payTimeoutSeconds: number,
) {
  const runId = `pay-${label}-${Date.now()}`;
  const activityId = await api.createActivity({ name: `bench ${runId}`, stock: count, payTimeoutSeconds });
  const requests = await reserveAll(config.REDIS_URL, activityId, runId, count);
  await produceAll(config, requests);
  await until(`${count} ${label} orders written`, async () => {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orders WHERE activity_id = $1',
      [activityId],
    );
    return rows[0].n >= count;
  });
  return { activityId, orders: requests.map((r) => ({ orderId: r.orderId, userId: r.userId })) };
}

/**
 * The payment saga measured through the real services and the payment provider: payments started for
 * `paid` orders and completed at the provider all at once (the callbacks the order-service applies per
 * second), then `late` orders whose buyers pay once their deadline has passed, all at once (every payment
 * recorded and refunded through Kafka: the refund latency of a wave of late payments).
 */
export async function runPayments(
  config: AppConfig,
  urls: { gateway: string; orderService: string; provider: string },
  shape: PaymentsShape,
): Promise<PaymentsRun> {
  const machine = { cores: cpus().length, loadAverage: round(loadavg()[0], 1) };
  const api = new SeckillApi(config, urls);
  const db = new Client({ connectionString: config.DATABASE_URL });
  await db.connect();
  try {
    await api.providerSwitches('reset');
    await api.providerSwitches({ duplicateCallbacks: shape.duplicateCallbacks });
    console.log(
      `bench: payments: ${shape.paid} paid in time, ${shape.late} paid late (pay timeout ${shape.latePayTimeoutSeconds} s)`,
    );
    const paid = await ordersOf(config, api, db, 'paid', shape.paid, 900);

    // Every buyer starts a payment (each a call from the order-service to the provider).
    const start = async ({ orderId, userId }: { orderId: string; userId: string }) => {
      const { status, body } = await api.startPayment(orderId, userId);
      if (status !== 201) throw new Error(`payments: start answered ${status} ${JSON.stringify(body)}`);
      return body;
    };
    const startedAt = Date.now();
    const paidPayments = await pool(paid.orders, 64, start);
    const startsPerSecond = round((paid.orders.length * 1000) / (Date.now() - startedAt), 0);

    // The buyers in time complete at the provider at once; each callback pays its order.
    const completedAt = new Map<string, number>();
    const complete = async (p: StartedPayment) => {
      const { status } = await api.completePayment(p);
      if (status >= 300) throw new Error(`payments: completion answered ${status}`);
      completedAt.set(p.paymentId, Date.now());
    };
    const firstCompletion = Date.now();
    await pool(paidPayments, 64, complete);
    const paidIds = paidPayments.map((p) => p.paymentId);
    const captured = await until('every callback applied', async () => {
      const { rows } = await db.query<{ id: string; at: number }>(
        `SELECT id, extract(epoch FROM captured_at)::float8 * 1000 AS at FROM payments
          WHERE id = ANY($1) AND status = 'CAPTURED'`,
        [paidIds],
      );
      return rows.length >= paidIds.length && rows;
    });
    const lastCapture = Math.max(...captured.map((r) => r.at));

    // The late ones start paying within their window, complete once every deadline has passed, all at
    // once; the shop refunds each.
    const late = await ordersOf(config, api, db, 'late', shape.late, shape.latePayTimeoutSeconds);
    const latePayments = await pool(late.orders, 64, start);
    const { rows: deadline } = await db.query<{ last: number }>(
      'SELECT (extract(epoch FROM max(expires_at)) * 1000)::float8 AS last FROM orders WHERE activity_id = $1',
      [late.activityId],
    );
    await pause(Math.max(0, deadline[0].last + 500 - Date.now()));
    const firstLate = Date.now();
    await pool(latePayments, 64, complete);
    const lateIds = latePayments.map((p) => p.paymentId);
    const refunded = await until('every late payment refunded', async () => {
      const { rows } = await db.query<{ latency: number; at: number }>(
        `SELECT extract(epoch FROM refunded_at - refund_requested_at)::float8 * 1000 AS latency,
                extract(epoch FROM refunded_at)::float8 * 1000 AS at
           FROM payments WHERE id = ANY($1) AND status = 'REFUNDED'`,
        [lateIds],
      );
      return rows.length >= lateIds.length && rows;
    }).catch((err: Error) => {
      console.error(`bench: ${err.message}`);
      return [];
    });
    await pause(1_000); // duplicates still in flight would show on the statement now
    const statement = await api.statement();
    const lines = new Map(statement.map((l) => [l.id, l]));
    const refundedOnce = lateIds.filter((id) => {
      const line = lines.get(id);
      return line?.refunds.length === 1 && line.refunds[0].amount === line.capturedAmount;
    }).length;
    const complete_ = refunded.length === lateIds.length && refundedOnce === lateIds.length;
    return {
      shape,
      activities: { paid: paid.activityId, late: late.activityId },
      startsPerSecond,
      callbacks: {
        applied: captured.length,
        appliedPerSecond: round((captured.length * 1000) / Math.max(1, lastCapture - firstCompletion), 0),
        latencyMs: percentiles(
          captured.map((r) => r.at - (completedAt.get(r.id) ?? r.at)),
          0,
        ),
      },
      refunds: {
        refunded: refunded.length,
        latencyMs: refunded.length
          ? percentiles(
              refunded.map((r) => r.latency),
              0,
            )
          : null,
        waveS: refunded.length ? round((Math.max(...refunded.map((r) => r.at)) - firstLate) / 1000, 2) : null,
        refundedOnceAtProvider: refundedOnce,
      },
      machine,
      complete: complete_,
      verdicts: {
        paid: reconcile(paid.activityId),
        late: complete_ ? reconcile(late.activityId) : null,
      },
    };
  } finally {
    await api.providerSwitches('reset').catch(() => undefined);
    api.close();
    await db.end();
  }
}

/** The figures as a table for bench-results/payments.md and docs/benchmarks.md. */
export function paymentsMarkdown(run: PaymentsRun): string {
  const p = (x: Percentiles | null) => (x ? `${x.p50} / ${x.p95} / ${x.p99} / ${x.max}` : '—');
  const verdict = (v: Verdict | null) => (v ? (v.ok ? 'holds' : 'BREACH') : 'not run');
  const { shape: s, callbacks: c, refunds: r } = run;
  return [
    `${s.paid} orders paid in time and ${s.late} paid after their ${s.latePayTimeoutSeconds} s deadline, ` +
      `callbacks ${s.duplicateCallbacks ? 'each delivered twice' : 'delivered once'}; ${run.machine.cores} cores, ` +
      `load average ${run.machine.loadAverage} at the start:`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| payments started (POST /api/orders/:id/payments, 64 at once) | ${run.startsPerSecond}/s |`,
    `| callbacks applied by the order-service (payments captured, orders PAID) | ${c.appliedPerSecond}/s (${c.applied}) |`,
    `| completion at the provider → payment captured, ms p50 / p95 / p99 / max | ${p(c.latencyMs)} |`,
    `| late payment recorded → refunded (Kafka, provider, callback), ms p50 / p95 / p99 / max | ${p(r.latencyMs)} |`,
    `| the whole wave of ${s.late} late payments refunded in | ${r.waveS ?? '—'} s |`,
    `| refunded exactly once, in full, on the provider's statement | ${r.refundedOnceAtProvider} of ${s.late} |`,
    `| reconcile (invariants 1–7, money against the statement) | paid: ${verdict(run.verdicts.paid)}, late: ${verdict(run.verdicts.late)} |`,
    '',
  ].join('\n');
}
