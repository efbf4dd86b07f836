const BARS = ' ▁▂▃▄▅▆▇█';

export interface Sample {
  atMs: number;
  values: number[];
}

/**
 * A few series over time as one line each (a sparkline scaled to `max`), under a time axis:
 *   time     0 ─────────── 2.3 s
 *   admitted ▅██████████████
 *   orders   ▁▂▃▄▅▆▇████████
 * At most `width` columns; with more samples, each column shows the last sample of its slot.
 */
export function timeline(samples: Sample[], names: string[], max: number, width = 60): string[] {
  if (samples.length === 0) return [];
  const columns = Math.min(width, samples.length);
  const picked = Array.from(
    { length: columns },
    (_, c) => samples[Math.ceil(((c + 1) * samples.length) / columns) - 1],
  );
  const label = (s: string) => s.padEnd(Math.max(...names.map((n) => n.length), 4) + 1);
  const end = `${(samples[samples.length - 1].atMs / 1000).toFixed(1)} s`;
  const axis = `0 ${'─'.repeat(Math.max(1, columns - end.length - 3))} ${end}`;
  const bar = (v: number) => BARS[Math.min(BARS.length - 1, Math.ceil((v / max) * (BARS.length - 1)))];
  return [
    `${label('time')}${axis}`,
    ...names.map((name, i) => `${label(name)}${picked.map((s) => bar(s.values[i])).join('')}`),
  ];
}
