/** A cumulative curve: [ms since the run's start, items so far], time-ordered. */
export type Curve = [number, number][];

const W = 760;
const PANEL = 170;
const LEFT = 64;
const RIGHT = 20;
const COLORS = { admitted: '#d62728', persisted: '#1f77b4' };

/** Items so far at time t, linear between the curve's points. */
export function countAt(curve: Curve, t: number): number {
  if (curve.length === 0 || t < curve[0][0]) return 0;
  for (let i = 1; i < curve.length; i++) {
    const [t1, c1] = curve[i];
    if (t <= t1) {
      const [t0, c0] = curve[i - 1];
      return t1 === t0 ? c1 : c0 + ((c1 - c0) * (t - t0)) / (t1 - t0);
    }
  }
  return curve[curve.length - 1][1];
}

const niceStep = (max: number) => {
  const raw = max / 4;
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
};

/**
 * Peak shaving made visible: admissions per second (the 202s the load generator received) against orders written per second
 * (PostgreSQL), and both cumulated. The red spike is the burst the gateway absorbed; the blue plateau
 * is the pace the database was written at.
 */
export function peakShavingSvg(admitted: Curve, persisted: Curve, title: string): string {
  const endMs = Math.max(admitted.at(-1)?.[0] ?? 0, persisted.at(-1)?.[0] ?? 0) * 1.05 || 1000;
  const bucketMs = Math.max(50, Math.ceil(endMs / 80 / 50) * 50);
  const edges = Array.from({ length: Math.ceil(endMs / bucketMs) + 1 }, (_, i) => i * bucketMs);
  const rates = (c: Curve) =>
    edges.slice(1).map((t, i) => ((countAt(c, t) - countAt(c, edges[i])) * 1000) / bucketMs);
  const series = {
    admitted: { rate: rates(admitted), curve: admitted },
    persisted: { rate: rates(persisted), curve: persisted },
  };
  const x = (ms: number) => LEFT + ((W - LEFT - RIGHT) * ms) / endMs;
  const out: string[] = [];
  const panel = (top: number, label: string, max: number, lines: Record<string, [number, number][]>) => {
    const y = (v: number) => top + PANEL - (PANEL * v) / (max || 1);
    const step = niceStep(max);
    for (let v = 0; v <= max; v += step) {
      out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`);
      out.push(`<text x="${LEFT - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`);
    }
    out.push(
      `<text x="14" y="${top + PANEL / 2}" transform="rotate(-90 14 ${top + PANEL / 2})" text-anchor="middle">${label}</text>`,
    );
    for (const [name, points] of Object.entries(lines)) {
      const d = points.map(([t, v], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join('');
      out.push(
        `<path d="${d}" fill="none" stroke="${COLORS[name as keyof typeof COLORS]}" stroke-width="2"/>`,
      );
    }
    out.push(
      `<rect x="${LEFT}" y="${top}" width="${W - LEFT - RIGHT}" height="${PANEL}" fill="none" stroke="#999"/>`,
    );
  };
  const stepLine = (r: number[]) =>
    r.flatMap((v, i): [number, number][] => [
      [edges[i], v],
      [edges[i + 1], v],
    ]);
  panel(40, 'per second', Math.max(...series.admitted.rate, ...series.persisted.rate), {
    admitted: stepLine(series.admitted.rate),
    persisted: stepLine(series.persisted.rate),
  });
  const total = Math.max(admitted.at(-1)?.[1] ?? 0, persisted.at(-1)?.[1] ?? 0);
  const cumulative = (c: Curve): [number, number][] => [[0, 0], ...c, [endMs, c.at(-1)?.[1] ?? 0]];
  panel(40 + PANEL + 30, 'cumulative', total, {
    admitted: cumulative(admitted),
    persisted: cumulative(persisted),
  });
  const bottom = 40 + 2 * PANEL + 30;
  const xStep = niceStep(endMs / 1000) * 1000;
  for (let t = 0; t <= endMs; t += xStep)
    out.push(`<text x="${x(t)}" y="${bottom + 16}" text-anchor="middle">${t / 1000}</text>`);
  out.push(
    `<text x="${(W + LEFT) / 2}" y="${bottom + 34}" text-anchor="middle">seconds since the burst began</text>`,
  );
  out.push(`<text x="${LEFT}" y="22" font-size="14" font-weight="bold">${title}</text>`);
  out.push(
    `<rect x="${W - 330}" y="10" width="12" height="4" fill="${COLORS.admitted}"/><text x="${W - 314}" y="16">admitted (202, wrk)</text>`,
  );
  out.push(
    `<rect x="${W - 180}" y="10" width="12" height="4" fill="${COLORS.persisted}"/><text x="${W - 164}" y="16">orders written (PostgreSQL)</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${bottom + 44}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
