// Reading Prometheus' text format, enough for the scenarios' before/after counts.

/** Sum of a metric's samples whose labels include `labels` (a counter is one sample per label set). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const wanted = Object.entries(labels).every(([k, v]) => (match[2] ?? '').includes(`${k}="${v}"`));
    if (wanted) sum += Number(match[3]);
  }
  return sum;
}
