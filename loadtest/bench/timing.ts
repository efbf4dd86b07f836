export interface Throughput {
  count: number;
  seconds: number;
  perSecond: number;
}

/** Runs `work` once and reports how many items per second it got through. */
export async function timed(count: number, work: () => Promise<unknown>): Promise<Throughput> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { count, seconds: round(seconds, 3), perSecond: round(count / seconds, 0) };
}

export const round = (x: number, digits = 2) => Number(x.toFixed(digits));
