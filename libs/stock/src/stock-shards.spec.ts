import calculateSlot from 'cluster-key-slot';
import { shardKeys, shardOf, shardTag, splitStock, stockKeys } from './stock-shards';

describe('stock shards', () => {
  it('when an activity has one shard, then its keys are the activity’s own, as before shards existed', () => {
    expect(shardKeys(42, 0, 1)).toEqual(stockKeys(42));
    expect(shardOf('anyone', 1)).toBe(0);
  });

  it('when a buyer is placed, then always in the same shard, and buyers spread over all of them', () => {
    const buyers = Array.from({ length: 4_000 }, (_, i) => `buyer-${i}`);
    expect(buyers.map((b) => shardOf(b, 4))).toEqual(buyers.map((b) => shardOf(b, 4)));
    const counts = [0, 0, 0, 0];
    for (const b of buyers) counts[shardOf(b, 4)]++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it('when N shards are tagged, then shard i sits in the middle of the i-th of N equal slot ranges (a master each on an even cluster)', () => {
    for (const n of [2, 3, 5, 16]) {
      for (let i = 0; i < n; i++) {
        const slot = calculateSlot(shardTag(7, i, n));
        expect(Math.abs(slot - Math.floor(((i + 0.5) * 16_384) / n))).toBeLessThanOrEqual(32);
      }
    }
    // three masters of `redis-cli --cluster create` own 0-5460, 5461-10922, 10923-16383
    const masters = [0, 1, 2].map((i) => Math.floor(calculateSlot(shardTag(12345, i, 3)) / 5461.34));
    expect(masters).toEqual([0, 1, 2]);
  });

  it('when stock is split, then the parts add up to it and differ by at most one', () => {
    expect(splitStock(10, 3)).toEqual([4, 3, 3]);
    expect(splitStock(100, 4)).toEqual([25, 25, 25, 25]);
    expect(splitStock(7, 1)).toEqual([7]);
  });
});
