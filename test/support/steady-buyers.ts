import { Reply, purchase } from './api';
import { eventually } from './eventually';
import { Tally, statusKey } from './statuses';

/**
 * Load that goes on while a fault happens: `concurrency` buyers at a time, each a new user, spread over
 * the gateways in turn, until stop() or `maxPurchases` or `maxMs` (bounded, whatever happens). A buyer whose
 * gateway does not answer at all (killed) asks the next gateway once with the same Idempotency-Key, as a
 * client behind a load balancer would.
 */
export class SteadyBuyers {
  readonly accepted: string[] = [];
  /** when the purchase of each accepted order id was sent (ms since the epoch), in the order of `accepted` */
  readonly acceptedSentAt: number[] = [];
  /** the buyer of each accepted order id (to ask its /result) */
  readonly buyerOf = new Map<string, string>();
  readonly statuses: Tally = {};
  /** when each reply of a status was seen (ms since the epoch) */
  readonly seen: Record<string, number[]> = {};
  /** settles when every buyer is done (stopped, or a bound reached) */
  readonly done: Promise<void>;
  private stopped = false;
  private sent = 0;

  constructor(
    private readonly gateways: string[],
    private readonly activityId: number,
    private readonly prefix: string,
    { concurrency = 8, maxPurchases = 4_000, maxMs = 60_000 } = {},
  ) {
    const deadline = Date.now() + maxMs;
    const loops = Array.from({ length: concurrency }, async () => {
      while (!this.stopped && this.sent < maxPurchases && Date.now() < deadline)
        await this.buyOne(this.sent++);
    });
    this.done = Promise.all(loops).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  /** Waits until `n` more purchases than now were accepted: the sale goes on (again). */
  untilAccepted(n: number, timeoutMs = 60_000): Promise<boolean> {
    const target = this.accepted.length + n;
    return eventually(() => this.accepted.length >= target, { timeoutMs, intervalMs: 50 });
  }

  /** The span between the first and the last reply of that status, 0 if at most one. */
  spanMs(status: string): number {
    const at = this.seen[status] ?? [];
    return at.length < 2 ? 0 : at[at.length - 1] - at[0];
  }

  private async buyOne(i: number): Promise<void> {
    const user = `${this.prefix}-${i}`;
    const key = { 'idempotency-key': `${user}-k` };
    let reply: Reply | undefined;
    const sentAt = Date.now();
    for (let attempt = 0; attempt < 2 && !reply; attempt++) {
      const gateway = this.gateways[(i + attempt) % this.gateways.length];
      reply = await purchase(gateway, this.activityId, user, 1, key).catch(() => undefined);
    }
    const status = statusKey(reply);
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    (this.seen[status] ??= []).push(Date.now());
    if (reply?.status === 202) {
      this.accepted.push(reply.body.orderId);
      this.acceptedSentAt.push(sentAt);
      this.buyerOf.set(reply.body.orderId, user);
    }
  }
}
