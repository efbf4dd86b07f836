/**
 * The pre-queue's shuffle: everyone who joined before the sale's start gets a uniformly random place when
 * it starts, by one seeded permutation of 0…size-1 computed per place on demand (a small Feistel network,
 * cycle-walked into the range) — no write per buyer, and every gateway computes the same place from the
 * room's seed. Joining early, or with more connections, changes nothing: the arrival number only names
 * which element of the permutation is the buyer's.
 */
export function shuffledPlace(index: number, size: number, seed: number): number {
  if (size <= 1) return index;
  let bits = Math.max(2, Math.ceil(Math.log2(size)));
  if (bits % 2) bits++;
  const half = bits / 2;
  const mask = 2 ** half - 1;
  let x = index;
  do x = feistel(x, half, mask, seed);
  while (x >= size);
  return x;
}

/** The place (1-based) of an arrival (1-based) once the pre-queue's size is known. */
export function placeOf(arrival: number, preQueue: number, seed: number): number {
  return arrival <= preQueue ? shuffledPlace(arrival - 1, preQueue, seed) + 1 : arrival;
}

const ROUNDS = 6;

function feistel(x: number, half: number, mask: number, seed: number): number {
  let left = Math.floor(x / 2 ** half);
  let right = x & mask;
  for (let round = 0; round < ROUNDS; round++) {
    const next = (left ^ (mix(right, seed, round) & mask)) >>> 0;
    left = right;
    right = next;
  }
  return left * 2 ** half + right;
}

/** A 32-bit integer hash (murmur3's finaliser) of the half block, the seed and the round. */
function mix(value: number, seed: number, round: number): number {
  let k = Math.imul(seed ^ Math.imul(round + 1, 0x632be5ab), 0x85ebca6b);
  k ^= k >>> 15;
  let h = Math.imul(value + 0x165667b1, 0x9e3779b1) ^ Math.imul(k, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
