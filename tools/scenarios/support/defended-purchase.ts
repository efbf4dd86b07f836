import { solve } from '../../../apps/gateway/src/defences/proof-of-work';
import { PurchaseAnswer, Reply, SeckillApi } from '../../../test/support/seckill-api';

export interface DefendedPurchase {
  reply: Reply<PurchaseAnswer>;
  /** time spent solving the challenge (0 when the sale asks none) */
  solveMs: number;
  token?: string;
}

/**
 * What an honest client does in an activity with defences: fetch the challenge (if the sale asks one),
 * solve it, exchange the solution for a purchase token, then purchase with the token.
 */
export async function defendedPurchase(
  api: SeckillApi,
  activityId: number,
  userId: string,
): Promise<DefendedPurchase> {
  const asked = await api.ask<{ challenge: string; bits: number; code?: string }>(
    'challenge',
    activityId,
    userId,
  );
  let proof = {};
  let solveMs = 0;
  if (asked.status === 201) {
    const started = performance.now();
    proof = { challenge: asked.body.challenge, solution: solve(asked.body.challenge, asked.body.bits) };
    solveMs = performance.now() - started;
  }
  const issued = await api.ask<{ token: string; code?: string }>('token', activityId, userId, proof);
  if (issued.status !== 201) return { reply: issued as Reply<PurchaseAnswer>, solveMs };
  const reply = await api.purchase(activityId, userId, api.gateway, { 'purchase-token': issued.body.token });
  return { reply, solveMs, token: issued.body.token };
}
