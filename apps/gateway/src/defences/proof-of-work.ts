import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The body that may carry a solved challenge (a purchase token's, or a waiting room's join): `{}` if none. */
export const proofSchema = z
  .object({ challenge: z.string().min(1).max(512), solution: z.string().min(1).max(32) })
  .partial()
  .strict()
  .default({});

/**
 * The challenge: find a `solution` such that SHA-256(`<challenge>:<solution>`) starts with `bits` zero
 * bits. Solving costs the buyer about 2^bits hashes; checking costs the gateway one. Each added bit
 * doubles a bot's cost per purchase token while a person's browser pays it once.
 */
export function leadingZeroBits(digest: Buffer): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export function isSolution(challenge: string, solution: string, bits: number): boolean {
  if (solution.length === 0 || solution.length > 32) return false;
  return leadingZeroBits(createHash('sha256').update(`${challenge}:${solution}`).digest()) >= bits;
}

/** What a client runs (the demo, the scenario, the tests): tries 0, 1, 2… in base 36. */
export function solve(challenge: string, bits: number): string {
  for (let n = 0; ; n++) {
    const candidate = n.toString(36);
    if (isSolution(challenge, candidate, bits)) return candidate;
  }
}
