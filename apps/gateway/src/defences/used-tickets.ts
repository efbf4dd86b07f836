/** Tickets remembered at most; beyond it the soonest to expire is forgotten (it is the least useful). */
const MAX_TICKETS = 200_000;

/**
 * The nonces of tickets already used, until they expire: a purchase token buys one attempt, a solved
 * challenge one token. In process, per gateway instance: a replay sent to another instance passes this
 * check, but it is the same buyer, whom the one-live-order rule and the per-user limit still bound.
 */
export class UsedTickets {
  /** nonce → [expiresAt, the Idempotency-Key of the first use ('' when none)] */
  private readonly used = new Map<string, [number, string]>();

  /**
   * Marks the ticket used. False when it already was — unless both uses carry the same Idempotency-Key:
   * a retry of one purchase (a lost reply) must reach Redis and get its first answer.
   */
  use(nonce: string, expiresAt: number, now: number, idempotencyKey = ''): boolean {
    const seen = this.used.get(nonce);
    if (seen) return idempotencyKey !== '' && seen[1] === idempotencyKey;
    if (this.used.size >= MAX_TICKETS) this.forgetExpired(now);
    if (this.used.size >= MAX_TICKETS) this.used.delete(this.used.keys().next().value!);
    this.used.set(nonce, [expiresAt, idempotencyKey]);
    return true;
  }

  forgetExpired(now: number): void {
    for (const [nonce, [expiresAt]] of this.used) if (expiresAt <= now) this.used.delete(nonce);
  }

  get size(): number {
    return this.used.size;
  }
}
