import type Redis from 'ioredis';

/**
 * The two naive ways to sell stock from Redis that the oversell scenario measures — kept here only to be
 * shown wrong. Each buyer runs on one of several connections, as requests spread over gateway instances.
 */

/** GET, then DECR if there was stock: every buyer who read before the others' DECRs lands gets one. */
export async function checkThenAct(connections: Redis[], key: string, buyers: number): Promise<number> {
  const sold = await Promise.all(
    Array.from({ length: buyers }, async (_, i) => {
      const redis = connections[i % connections.length];
      const stock = Number(await redis.get(key));
      if (stock <= 0) return false;
      await redis.decr(key); // the gap between the read and this write is the bug
      return true;
    }),
  );
  return sold.filter(Boolean).length;
}

export interface DecrThenCheck {
  sold: number;
  /** the lowest stock any buyer saw: what every reader of the key saw too */
  lowest: number;
  /** buyers that died between their DECR and the INCR that should have undone it */
  crashed: number;
}

/**
 * DECR, then give it back (INCR) if it went below zero. The count of sales is right, but the key goes
 * negative, and a buyer that dies between the two commands leaves its unit taken for good.
 */
export async function decrThenCheck(
  connections: Redis[],
  key: string,
  buyers: number,
  crashes: number,
): Promise<DecrThenCheck> {
  let lowest = Infinity;
  let crashed = 0;
  const sold = await Promise.all(
    Array.from({ length: buyers }, async (_, i) => {
      const redis = connections[i % connections.length];
      const left = await redis.decr(key);
      lowest = Math.min(lowest, left);
      if (left >= 0) return true;
      if (crashed < crashes) {
        crashed += 1; // simulated crash: the INCR below never runs
        return false;
      }
      await redis.incr(key);
      return false;
    }),
  );
  return { sold: sold.filter(Boolean).length, lowest, crashed };
}
