import { abandonedAmong, isLive } from '@app/stock';
import { TestClients } from './clients';
import { reservedAt, toldNothingTakenUntil } from './chaos-history';
import { Attempt } from './chaos-spike';

/**
 * The attempts whose answers named the order to its buyer without the client hearing it: the reservation's
 * promises (reserve.lua's `promise`: each later attempt answered DUPLICATE or ALREADY_PURCHASED with it,
 * `<by>@<ms>`) that no gateway abandoned. An attempt not abandoned got its answer from Redis, and the
 * gateway sent it (a 202 naming the order, or a 409): when the client had given up waiting first
 * ('timeout'), the history shows nothing of it, and the promise stands all the same (abandon.lua).
 */
async function namedByAnUnheardAnswer(clients: TestClients, activityId: number, orderId: string) {
  const by: string[] = [];
  for (const k of await clients.shardKeys(activityId)) {
    const value = (await clients.redis.hget(k.promises, orderId)) ?? '';
    for (const m of value.matchAll(/ ([^@ ]+)@\d+/g)) by.push(m[1]);
  }
  return by.length > 0 && (await abandonedAmong(clients.db, by)).size < by.length;
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
 * client heard (`promises`: 202s and ALREADY_PURCHASED), nor by one it did not (namedByAnUnheardAnswer).
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
    for (const orderId of held)
      if (!(await namedByAnUnheardAnswer(clients, activityId, orderId))) {
        taken.push(userId);
        break;
      }
  }
  return taken;
}
