import { countAt, peakShavingSvg } from './chart';

describe('the peak-shaving chart', () => {
  it('when read between two points of a cumulative curve, then the count is interpolated', () => {
    const curve: [number, number][] = [
      [100, 0],
      [300, 200],
    ];
    expect(countAt(curve, 50)).toBe(0);
    expect(countAt(curve, 200)).toBe(100);
    expect(countAt(curve, 1_000)).toBe(200);
  });

  it('when drawn, then it shows admissions and orders written, per second and cumulated', () => {
    const svg = peakShavingSvg(
      [
        [0, 1],
        [500, 1000],
      ],
      [
        [200, 1],
        [2_000, 1000],
      ],
      'a sale',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(4);
    expect(svg).toContain('admitted (202, wrk)');
    expect(svg).toContain('orders written (PostgreSQL)');
  });
});
