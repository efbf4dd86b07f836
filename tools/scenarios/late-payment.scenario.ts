import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../../test/support/eventually';
import { onOneActivity } from './scenario';
import { ordersOf } from './support/orders-table';

/** Paid after the cancellation: the money is recorded and given back (the saga's compensation), once. */
export const latePayment = onOneActivity({
  name: 'late-payment',
  claim:
    'a payment captured after its order was cancelled is refunded exactly once (callbacks duplicated), and the money reconciles',
  activity: { stock: 2, payTimeoutSeconds: 2 },
  async run({ api, db, out }, activityId) {
    const [onTime, late] = [`punctual-${activityId}`, `late-${activityId}`];
    const replies = await Promise.all([onTime, late].map((b) => api.purchase(activityId, b)));
    const [onTimeOrder, lateOrder] = replies.map((r) => r.body.orderId!);
    await eventually('2 order rows', async () => (await ordersOf(db, activityId)).length === 2);
    // Every callback twice: the shop must apply each once.
    await api.providerSwitches({ duplicateCallbacks: true });
    try {
      const [first, second] = await Promise.all([
        api.startPayment(onTimeOrder, onTime),
        api.startPayment(lateOrder, late),
      ]);
      out.say(
        `both buyers started paying: 201 with ${first.body.paymentId} and ${second.body.paymentId} ` +
          `(${second.body.amount} ${second.body.currency}, complete by ${second.body.payBy})`,
      );
      await api.completePayment(first.body);
      await eventually('the punctual order PAID by its callback', async () => {
        return (await api.order(onTimeOrder, onTime)).body.status === 'PAID';
      });
      await eventually(
        'the late buyer’s order cancelled by its timeout',
        async () => (await api.order(lateOrder, late)).body.status === 'CANCELLED',
        { timeoutMs: 30_000 },
      );
      out.say('the late buyer’s order was cancelled by its timeout; now the bank says yes to that buyer');
      await api.completePayment(second.body);
      const view = await eventually(
        'the late payment refunded',
        async () => {
          const { body } = await api.order(lateOrder, late);
          return body.payments?.[0]?.status === 'REFUNDED' && body;
        },
        { timeoutMs: 30_000 },
      );
      out.say(
        `order view: ${view.status}, payment ${view.payments![0].status} (${view.payments![0].refundReason})`,
      );
      await sleep(1_000); // time for any duplicate command or callback still in flight to do harm, if it could
      const statement = await api.statement();
      const lateLine = statement.find((l) => l.id === second.body.paymentId)!;
      const onTimeLine = statement.find((l) => l.id === first.body.paymentId)!;
      out.say(
        `provider statement: ${onTimeLine.id} captured ${onTimeLine.capturedAmount}, ${onTimeLine.refunds.length} refunds; ` +
          `${lateLine.id} captured ${lateLine.capturedAmount}, refunds ${JSON.stringify(lateLine.refunds.map((r) => r.amount))}`,
      );
      out.check(
        lateLine.refunds.length === 1 && lateLine.refunds[0].amount === lateLine.capturedAmount,
        'the late payment is refunded exactly once, in full, although every callback came twice',
      );
      out.check(onTimeLine.refunds.length === 0, 'the punctual payment is kept: its order is PAID');
      out.check(view.status === 'CANCELLED', 'the late order stays CANCELLED (its stock went back once)');
    } finally {
      await api.providerSwitches('reset');
    }
  },
});
