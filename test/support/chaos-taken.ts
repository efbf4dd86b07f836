import { abandonedAmong, isLive } from '@app/stock';
import { TestClients } from './clients';
import { reservedAt, toldNothingTakenUntil } from './chaos-history';
import { Attempt } from './chaos-spike';

/** How long after an attempt's client gave up its request may still have reached the gateway. */
const LATE_ARRIVAL_MS = 1_000;

/**
 * Whether an answer the client never heard named the order to its buyer: the reservation's promises
 * (reserve.lua's `promise`: each later attempt answered DUPLICATE or ALREADY_PURCHASED with it, `<by>@<ms>`)
 * list an attempt that no gateway abandoned — it got its answer from Redis, and the gateway sent it (a 202
 * naming the order, or a 409) — and that attempt is one the buyer's client gave up on (`unheard`: a timeout
 * or an error, the attempt's order id minted while it waited; UUIDv7). The promise then stands (abandon.lua)
 * though the history shows nothing of it. A promise by an attempt the client heard answered 503 excuses
 * nothing, recorded or not.
 */
async function namedByAnUnheardAnswer(
  clients: TestClients,
  activityId: number,
  orderId: string,
  unheard: Attempt[],
): Promise<boolean> {
  const by: string[] = [];
  for (const k of await clients.shardKeys(activityId)) {
    const value = (await clients.redis.hget(k.promises, orderId)) ?? '';
    for (const m of value.matchAll(/ ([^@ ]+)@\d+/g)) by.push(m[1]);
  }
  const waitedFor = (id: string) =>
    unheard.some(
      (a) => a.startedAt <= reservedAt(id) && reservedAt(id) <= a.startedAt + a.ms + LATE_ARRIVAL_MS,
    );
  const candidates = by.filter(waitedFor);
  if (candidates.length === 0) return false;
  const abandoned = await abandonedAmong(clients.db, candidates);
  return candidates.some((id) => !abandoned.has(id));
}

/** The buyer's reservation in Redis, if live and made by `until`, and never named to them by a heard answer. */
async function liveReservationBy(
  clients: TestClients,
  activityId: number,
  userId: string,
  until: number,
  promises: Map<string, string>,
): Promise<string | null> {
  const orderId = await clients.buyerOrderId(activityId, userId);
  if (!orderId || reservedAt(orderId) > until || promises.get(orderId) === userId) return null;
  const reservation = await clients.reservation(activityId, orderId);
  return reservation !== null && isLive(reservation.state) ? orderId : null;
}

/**
 * The buyers who hold an order or a live reservation made by a request answered "nothing taken" (503, or a
 * refusal): for each buyer whose first answers all said so (toldNothingTakenUntil), the orders reserved by
 * the last of them (UUIDv7: reserved at the order id's millisecond) and never named to them by an answer the
 * client heard (`promises`: 202s and ALREADY_PURCHASED), nor by one it gave up on (namedByAnUnheardAnswer).
 */
export async function takenDespiteNothingTaken(
  clients: TestClients,
  activityId: number,
  rows: { id: string; user_id: string }[],
  attempts: Attempt[],
  promises: Map<string, string>,
): Promise<string[]> {
  const unnamed = new Map<string, string[]>();
  for (const r of rows.filter((row) => promises.get(row.id) !== row.user_id))
    unnamed.set(r.user_id, [...(unnamed.get(r.user_id) ?? []), r.id]);
  const taken: string[] = [];
  for (const [userId, until] of toldNothingTakenUntil(attempts)) {
    const held = (unnamed.get(userId) ?? []).filter((id) => reservedAt(id) <= until);
    const live = await liveReservationBy(clients, activityId, userId, until, promises);
    if (live && !held.includes(live)) held.push(live);
    const unheard = attempts.filter((a) => a.userId === userId && typeof a.status !== 'number');
    for (const orderId of held)
      if (!(await namedByAnUnheardAnswer(clients, activityId, orderId, unheard))) {
        taken.push(userId);
        break;
      }
  }
  return taken;
}
