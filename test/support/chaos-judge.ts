import { isLive, parseReservation, stockKeys } from '@app/stock';
import { checkInvariants } from '../../scripts/reconcile/index';
import { purchaseResult } from './api';
import { TestClients } from './clients';
import { eventually } from './eventually';
import { Attempt, SpikeResult } from './chaos-spike';

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
  /** buyers with more than one order row */
  duplicated: number;
  /** PENDING + PAID quantities past the stock */
  oversold: number;
  /** buyers answered only 503 or refusals who hold an order or a live reservation */
  takenDespite503: number;
  /** 202s that ended FAILED on /result (allowed only when Redis lost data) */
  failed: number;
  /** reservations left R or T */
  stuck: number;
  /** ms from the fault's end until the history was settled (-1: it never was) */
  recoveryMs: number;
  breaches: string[];
}

interface Row {
  id: string;
  user_id: string;
  status: string;
  quantity: number;
}

const answerKey = (a: Attempt) => (a.code ? `${a.status} ${a.code}` : String(a.status));
const sample = (ids: string[]) => (ids.length ? ` (e.g. ${ids.slice(0, 3).join(', ')})` : '');

/** 202 order ids, and orders named by ALREADY_PURCHASED, each with the buyer told so. */
function promised(attempts: Attempt[]): Map<string, string> {
  const byOrder = new Map<string, string>();
  for (const a of attempts)
    if (a.orderId && (a.status === 202 || a.code === 'ALREADY_PURCHASED')) byOrder.set(a.orderId, a.userId);
  return byOrder;
}

/** Buyers told, on every attempt, that nothing was taken: 503, or a refusal other than ALREADY_PURCHASED. */
function toldNothingTaken(attempts: Attempt[]): Set<string> {
  const definite = new Map<string, boolean>();
  for (const a of attempts) {
    const refusal = typeof a.status === 'number' && a.status >= 400 && a.code !== 'ALREADY_PURCHASED';
    definite.set(a.userId, (definite.get(a.userId) ?? true) && refusal);
  }
  return new Set([...definite].filter(([, yes]) => yes).map(([userId]) => userId));
}

async function liveReservationOf(clients: TestClients, activityId: number, userId: string) {
  const orderId = await clients.buyerOrderId(activityId, userId);
  const reservation = orderId ? await clients.reservation(activityId, orderId) : null;
  return reservation !== null && isLive(reservation.state);
}

async function stuckReservations(clients: TestClients, activityId: number): Promise<number> {
  const records = await clients.redis.hgetall(stockKeys(activityId).reservations);
  return Object.entries(records).filter(([id, r]) => ['R', 'T'].includes(parseReservation(id, r).state))
    .length;
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

/**
 * Waits until the activity is quiet (no reservation R/T, every promise kept or FAILED, reconcile passes),
 * then judges the whole history of the spike against the guarantees.
 */
export async function judge(
  clients: TestClients,
  input: {
    fault: string;
    gateway: string;
    activity: { id: number; stock: number };
    spike: SpikeResult;
    allowFailed: boolean;
  },
): Promise<ChaosFigures> {
  const { fault, gateway, activity, spike, allowFailed } = input;
  const promises = promised(spike.attempts);
  const settled = await eventually(
    async () => {
      if ((await stuckReservations(clients, activity.id)) > 0) return false;
      const { lost } = await missing(clients, gateway, activity.id, promises, allowFailed);
      if (lost.length > 0) return false;
      return (await checkInvariants({ redis: clients.redis, db: clients.db, activityId: activity.id })).ok;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  ).then(
    () => Date.now(),
    () => undefined,
  );

  const { rows, failed, lost } = await missing(clients, gateway, activity.id, promises);
  const perBuyer = new Map<string, number>();
  for (const r of rows) perBuyer.set(r.user_id, (perBuyer.get(r.user_id) ?? 0) + 1);
  const duplicated = [...perBuyer].filter(([, n]) => n > 1).map(([userId]) => userId);
  const sold = rows
    .filter((r) => r.status === 'PENDING' || r.status === 'PAID')
    .reduce((n, r) => n + r.quantity, 0);
  const taken: string[] = [];
  for (const userId of toldNothingTaken(spike.attempts))
    if (perBuyer.has(userId) || (await liveReservationOf(clients, activity.id, userId))) taken.push(userId);
  const stuck = await stuckReservations(clients, activity.id);
  const remaining = await clients.redis.get(stockKeys(activity.id).stock);
  const report = await checkInvariants({ redis: clients.redis, db: clients.db, activityId: activity.id });

  const breaches = [
    lost.length && `${lost.length} promised orders never written${sample(lost)}`,
    !allowFailed &&
      failed.length &&
      `${failed.length} 202s ended FAILED though Redis lost nothing${sample(failed)}`,
    duplicated.length && `${duplicated.length} buyers with more than one order${sample(duplicated)}`,
    sold > activity.stock && `oversold: ${sold} live units for a stock of ${activity.stock}`,
    taken.length &&
      `${taken.length} buyers told 503/refused hold an order or a live reservation${sample(taken)}`,
    Number(remaining) + sold !== activity.stock &&
      `conservation: Redis remaining ${remaining} + live ${sold} ≠ stock ${activity.stock}`,
    stuck && `${stuck} reservations stuck in R/T`,
    ...report.checks.filter((c) => !c.ok).map((c) => `reconcile: ${c.name}: ${c.detail}`),
    settled === undefined && 'never settled within 60 s of the fault being cleared',
  ].filter((b): b is string => typeof b === 'string');

  const answers: Record<string, number> = {};
  for (const a of spike.attempts) answers[answerKey(a)] = (answers[answerKey(a)] ?? 0) + 1;
  return {
    fault,
    ok: breaches.length === 0,
    buyers: spike.buyers.length,
    answers,
    accepted: new Set(spike.attempts.filter((a) => a.status === 202).map((a) => a.orderId)).size,
    orders: rows.length,
    lost: lost.length,
    duplicated: duplicated.length,
    oversold: Math.max(0, sold - activity.stock),
    takenDespite503: taken.length,
    failed: failed.length,
    stuck,
    recoveryMs: settled === undefined ? -1 : settled - spike.clearedAt,
    breaches,
  };
}
