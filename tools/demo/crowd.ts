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
  /** orders PAID by the provider's callback */
  paidOnTime: number;
  /** on-time payers whose payment could not be started or did not pay the order */
  paidOnTimeRefused: number;
  /** payers who completed at the provider after their order's deadline */
  payLateAttempts: number;
  /** late payments the shop refunded, each exactly once at the provider */
  payLateRefunded: number;
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
 * the deadline (the provider takes their money, the shop refunds it: the saga's compensation), three in
 * ten never pay (their orders time out, stock comes back). Every payer goes through the payment provider:
 * start the payment at the order-service, complete it at the provider, the callback does the rest.
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
  const startPayment = async (w: { orderId: string; buyer: string }) => {
    const { status, body } = await client.startPayment(w.orderId, w.buyer);
    return status === 201 ? body : undefined;
  };
  const onTimePayments = await Promise.all(onTime.map(startPayment));
  await Promise.all(onTimePayments.map((p) => p && client.completePayment(p)));
  const latePayments = await Promise.all(
    late.map(async (w) => {
      const payment = await startPayment(w);
      const wait = (payment ? new Date(payment.payBy).getTime() : 0) + 500 - Date.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
      await poll(
        async () => (await client.order(w.orderId, w.buyer)).body.status === 'CANCELLED',
        60_000,
        'a late payer’s order timing out',
      );
      if (payment) await client.completePayment(payment); // the bank says yes, too late
      return payment;
    }),
  );
  await poll(
    async () => (await count(`AND status = 'PENDING'`)) === 0,
    60_000,
    'every unpaid order timing out',
  );
  const lateIds = latePayments.flatMap((p) => (p ? [p.paymentId] : []));
  const refundedInShop = async () =>
    Number(
      (
        await db.query(`SELECT count(*) AS n FROM payments WHERE id = ANY($1) AND status = 'REFUNDED'`, [
          lateIds,
        ])
      )[0].n,
    );
  await poll(async () => (await refundedInShop()) === lateIds.length, 60_000, 'every late payment refunded');
  const statement = new Map((await client.statement()).map((l) => [l.id, l]));
  const refundedOnce = lateIds.filter((id) => {
    const line = statement.get(id);
    return line?.refunds.length === 1 && line.refunds[0].amount === line.capturedAmount;
  });

  return {
    outcomes,
    burstMs,
    winners: winners.length,
    persistedMs,
    paidOnTime: await count(`AND status = 'PAID'`),
    paidOnTimeRefused: onTime.length - (await count(`AND status = 'PAID'`)),
    payLateAttempts: late.length,
    payLateRefunded: refundedOnce.length,
    neverPaid: winners.length - onTime.length - late.length,
  };
}
