import { placeOf, shuffledPlace } from './pre-queue';

describe('the pre-queue shuffle', () => {
  it.each([1, 2, 3, 7, 100, 1_000, 4_097])(
    'when %i buyers joined early, then each gets a distinct place',
    (size) => {
      const places = Array.from({ length: size }, (_, i) => shuffledPlace(i, size, 12345));
      expect(new Set(places).size).toBe(size);
      expect(Math.min(...places)).toBe(0);
      expect(Math.max(...places)).toBe(size - 1);
    },
  );

  it('when two rooms have different seeds, then their orders differ', () => {
    const order = (seed: number) => Array.from({ length: 50 }, (_, i) => shuffledPlace(i, 50, seed)).join();
    expect(order(1)).not.toBe(order(2));
  });

  it('when the early joiners are split into tenths by arrival, then each tenth gets about a tenth of the front', () => {
    // 10,000 early joiners, seeds 1..20: the first tenth to arrive should not crowd the first places.
    const size = 10_000;
    const fronts = Array.from({ length: 10 }, () => 0);
    for (let seed = 1; seed <= 20; seed++) {
      for (let i = 0; i < size; i++) {
        if (shuffledPlace(i, size, seed) < size / 10) fronts[Math.floor(i / (size / 10))]++;
      }
    }
    const expected = (20 * size) / 100;
    for (const got of fronts) expect(Math.abs(got - expected) / expected).toBeLessThan(0.1);
  });

  it('when a buyer arrived after the start, then the place is the arrival (first come, first served)', () => {
    expect(placeOf(11, 10, 99)).toBe(11);
    expect(placeOf(500, 10, 99)).toBe(500);
    expect(placeOf(3, 10, 99)).toBeLessThanOrEqual(10);
  });
});
