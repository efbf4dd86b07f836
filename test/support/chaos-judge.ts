import { parseReservation } from '@app/stock';
import { StatementSource, checkInvariants } from '@app/reconcile';
import { purchaseResult } from './api';
import { TestClients } from './clients';
import { eventually } from './eventually';
import { promised, tally } from './chaos-history';
import { PayersTally } from './chaos-payers';
import { SpikeResult } from './chaos-spike';
import { takenDespiteNothingTaken } from './chaos-taken';

/** What one fault did to one spike: the row of the chaos table. */
export interface ChaosFigures {
  fault: string;
  ok: boolean;
  buyers: number;
  /** every attempt's answer, by status and code ("202", "503 UNAVAILABLE", "timeout", …) */
  answers: Record<string, number>;
  /** distinct order ids answered 202 */
  accepted: number;
  /** order rows of the activity in PostgreSQL */
  orders: number;
  /** 202s (or 409s naming an order) with no such order of that buyer, not explained by FAILED */
  lost: number;
  /** buyers holding more than one live (PENDING or PAID) order */
  duplicated: number;
  /** PENDING + PAID quantities past the stock */
  oversold: number;
  /** buyers holding an order or a live reservation made by a request answered 503 (or refused) */
  takenDespite503: number;
  /** 202s that ended FAILED on /result (allowed only when Redis lost data) */
  failed: number;
  /** reservations left R or T */
  stuck: number;
  /** what the paying winners did at the provider (on time, twice, late, gave up) */
  payers: PayersTally;
  /** the shop's payments of the activity by status, as last read (CAPTURED, REFUNDED, …) */
  payments: Record<string, number>;
  /** ms from the fault's end until every guarantee held again (-1: not within 30 s of the spike) */
  recoveryMs: number;
  /** what still did not hold at the last reading before every guarantee held (what recovery waited for) */
  lastOpen: string[];
  breaches: string[];
}

interface Row {
  id: string;
  user_id: string;
  status: string;
  quantity: number;
}

const sample = (ids: string[]) => (ids.length ? ` (e.g. ${ids.slice(0, 3).join(', ')})` : '');

async function stuckReservations(clients: TestClients, activityId: number): Promise<number> {
  let stuck = 0;
  for (const k of await clients.shardKeys(activityId)) {
    const records = await clients.redis.hgetall(k.reservations);
    stuck += Object.entries(records).filter(([id, r]) =>
      ['R', 'T'].includes(parseReservation(id, r).state),
    ).length;
  }
  return stuck;
}

/** The promised orders that have no row of their buyer, split by what /result says of them. */
async function missing(
  clients: TestClients,
  gateway: string,
  activityId: number,
  promises: Map<string, string>,
  askResult = true,
) {
  const rows: Row[] = await clients.orders(activityId);
  const owner = new Map(rows.map((r) => [r.id, r.user_id]));
  const absent = [...promises].filter(([orderId, userId]) => owner.get(orderId) !== userId);
  const failed: string[] = [];
  const lost: string[] = [];
  for (const [orderId, userId] of absent) {
    if (!askResult) {
      lost.push(orderId);
      continue;
    }
    const result = await purchaseResult(gateway, activityId, userId).catch(() => undefined);
    const isFailed = result?.body?.status === 'FAILED' && result.body.orderId === orderId;
    (isFailed ? failed : lost).push(orderId);
  }
  return { rows, failed, lost };
}

interface JudgeInput {
  fault: string;
  gateway: string;
  activity: { id: number; stock: number };
  spike: SpikeResult;
  allowFailed: boolean;
  redisImpaired: boolean;
  /** the most PENDING + PAID units PostgreSQL held at any sample during the run */
  maxSold: number;
  payers: PayersTally;
  /** the provider's statement: invariant 7 (money) is judged against it after every case */
  statement: StatementSource;
}

async function paymentsByStatus(clients: TestClients, activityId: number): Promise<Record<string, number>> {
  const rows: { status: string; n: number }[] = await clients.db.query(
    `SELECT p.status, count(*)::int AS n FROM payments p JOIN orders o ON o.id::text = p.order_id
      WHERE o.activity_id = $1 GROUP BY p.status ORDER BY p.status`,
    [activityId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** The figures and breaches of one reading of Redis and PostgreSQL. */
async function verdict(clients: TestClients, input: JudgeInput, promises: Map<string, string>) {
  const { gateway, activity, spike, allowFailed } = input;
  const { rows, failed, lost } = await missing(clients, gateway, activity.id, promises, allowFailed);
  const live = rows.filter((r) => r.status === 'PENDING' || r.status === 'PAID');
  const sold = live.reduce((n, r) => n + r.quantity, 0);
  const maxSold = Math.max(sold, input.maxSold);
  // A buyer whose order was cancelled (unpaid) before a retry may buy again: only live orders count twice.
  const livePerBuyer = new Map<string, number>();
  for (const r of live) livePerBuyer.set(r.user_id, (livePerBuyer.get(r.user_id) ?? 0) + 1);
  const duplicated = [...livePerBuyer].filter(([, n]) => n > 1).map(([userId]) => userId);
  const taken = await takenDespiteNothingTaken(clients, activity.id, rows, spike.attempts, promises);
  const stuck = await stuckReservations(clients, activity.id);
  const unavailable = spike.attempts.filter((a) => a.status === 503).length;
  const remaining = await clients.remaining(activity.id); // summed over the stock shards, if any
  const report = await checkInvariants({
    redis: clients.redis,
    db: clients.db,
    activityId: activity.id,
    statement: input.statement,
  });
  const breaches = [
    lost.length && `${lost.length} promised orders never written${sample(lost)}`,
    !allowFailed &&
      failed.length &&
      `${failed.length} 202s ended FAILED though Redis lost nothing${sample(failed)}`,
    duplicated.length && `${duplicated.length} buyers with more than one live order${sample(duplicated)}`,
    maxSold > activity.stock && `oversold: up to ${maxSold} live units for a stock of ${activity.stock}`,
    taken.length &&
      `${taken.length} buyers hold an order or a live reservation made by a request answered 503 or refused${sample(taken)}`,
    Number(remaining) + sold !== activity.stock &&
      `conservation: Redis remaining ${remaining} + live ${sold} ≠ stock ${activity.stock}`,
    stuck && `${stuck} reservations stuck in R/T`,
    // 503 means Redis was unreachable: with Redis fine, the sale must go on (Kafka or PostgreSQL down included).
    !input.redisImpaired && unavailable && `${unavailable} answers 503 though Redis stayed reachable`,
    ...report.checks.filter((c) => !c.ok).map((c) => `reconcile: ${c.name}: ${c.detail}`),
  ].filter((b): b is string => typeof b === 'string');
  return {
    orders: rows.length,
    lost: lost.length,
    duplicated: duplicated.length,
    oversold: Math.max(0, maxSold - activity.stock),
    takenDespite503: taken.length,
    failed: failed.length,
    stuck,
    payments: await paymentsByStatus(clients, activity.id),
    breaches,
  };
}

/**
 * Judges the whole history of the spike once the activity is quiet: polls until every guarantee holds
 * (asynchronous effects: orders written, recovery, cancellations) or 30 s have passed, and reports the
 * last reading.
 */
export async function judge(clients: TestClients, input: JudgeInput): Promise<ChaosFigures> {
  const promises = promised(input.spike.attempts);
  let last = await verdict(clients, input, promises);
  let lastOpen = last.breaches;
  const settledAt = await eventually(
    async () => {
      last = await verdict(clients, input, promises);
      if (last.breaches.length > 0) lastOpen = last.breaches;
      return last.breaches.length === 0 && Date.now();
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  ).catch(() => undefined);
  const breaches = [...last.breaches, ...(settledAt ? [] : ['not settled within 30 s of the spike'])];
  return {
    fault: input.fault,
    ok: breaches.length === 0,
    buyers: input.spike.buyers.length,
    answers: tally(input.spike.attempts),
    accepted: new Set(input.spike.attempts.filter((a) => a.status === 202).map((a) => a.orderId)).size,
    payers: input.payers,
    ...last,
    recoveryMs: settledAt ? settledAt - input.spike.clearedAt : -1,
    lastOpen,
    breaches,
  };
}
