import { DataSource } from 'typeorm';
import { defendedPurchase } from '../scenarios/support/defended-purchase';
import { SeckillApi } from '../../test/support/seckill-api';

export interface CrowdResult {
  /** answers to the burst, e.g. { '202 QUEUED': 100, '409 SOLD_OUT': 2900 } */
  outcomes: Record<string, number>;
  burstMs: number;
  winners: number;
  /** from the first purchase until every winner's order row existed */
  persistedMs: number;
  paidOnTime: number;
  paidOnTimeRefused: number;
  payLateAttempts: number;
  payLateRefused: number;
  neverPaid: number;
}

const poll = async (check: () => Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/**
 * The buyers: all of them at once, then the winners split — half pay at once, two in ten pay after
 * the deadline (and must be refused), three in ten never pay (their orders time out, stock comes back).
 */
export async function runCrowd(
  client: SeckillApi,
  db: DataSource,
  activityId: number,
  buyers: number,
  onAdmitted: () => void,
  /** the activity has defences: each buyer solves the challenge and gets a purchase token first */
  defended = false,
): Promise<CrowdResult> {
  const buyerIds = Array.from({ length: buyers }, (_, i) => `demo-${activityId}-${i}`);
  client.signIn(buyerIds);
  const started = Date.now();
  const outcomes: Record<string, number> = {};
  const answers = await Promise.all(
    buyerIds.map(async (buyer) => {
      const { status, body } = defended
        ? (await defendedPurchase(client, activityId, buyer)).reply
        : await client.purchase(activityId, buyer);
      const key = `${status} ${body.code ?? 'QUEUED'}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (status === 202) onAdmitted();
      return { buyer, orderId: status === 202 ? body.orderId! : undefined };
    }),
  );
  const burstMs = Date.now() - started;
  const winners = answers.filter((a): a is { buyer: string; orderId: string } => a.orderId !== undefined);

  const count = async (where: string) =>
    Number(
      (await db.query(`SELECT count(*) AS n FROM orders WHERE activity_id = $1 ${where}`, [activityId]))[0].n,
    );
  await poll(async () => (await count('')) === winners.length, 60_000, 'persisting every order');
  const persistedMs = Date.now() - started;

  const onTime = winners.filter((_, i) => i % 10 < 5);
  const late = winners.filter((_, i) => i % 10 >= 5 && i % 10 < 7);
  const paid = await Promise.all(onTime.map((w) => client.pay(w.orderId, w.buyer)));
  const lateAnswers = await Promise.all(
    late.map(async (w) => {
      const { body } = await client.order(w.orderId, w.buyer);
      const wait = new Date(body.expiresAt!).getTime() + 500 - Date.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
      return client.pay(w.orderId, w.buyer);
    }),
  );
  await poll(
    async () => (await count(`AND status = 'PENDING'`)) === 0,
    60_000,
    'every unpaid order timing out',
  );

  return {
    outcomes,
    burstMs,
    winners: winners.length,
    persistedMs,
    paidOnTime: paid.filter((a) => a.status === 200).length,
    paidOnTimeRefused: paid.filter((a) => a.status !== 200).length,
    payLateAttempts: late.length,
    payLateRefused: lateAnswers.filter((a) => a.status === 409).length,
    neverPaid: winners.length - onTime.length - late.length,
  };
}
