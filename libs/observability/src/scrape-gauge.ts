import { Gauge } from 'prom-client';
import { metricsRegistry } from './metrics';

/** A scrape must answer even when a dependency does not: past this, the gauge is left out of that scrape. */
const MEASURE_TIMEOUT_MS = 2_000;
/** /metrics is public: however often it is asked, a dependency is queried at most this often. */
const REUSE_FOR_MS = 1_000;

export interface GaugeSample<L extends string> {
  labels?: Partial<Record<L, string>>;
  value: number;
}

/**
 * A gauge measured when /metrics is scraped, never in between: for state that lives elsewhere (Kafka
 * offsets, rows in PostgreSQL) and costs a query to read. A measure that fails or is slow does not fail
 * the scrape: the gauge has no samples in it (NaN without labels, never a reassuring 0). The last
 * registration of a name wins, so a test that builds a second service measures through the newest one.
 */
export function scrapeGauge<L extends string>(
  name: string,
  help: string,
  labelNames: L[],
  measure: () => Promise<GaugeSample<L>[]>,
  { reuseForMs = REUSE_FOR_MS } = {},
): void {
  let last: { at: number; samples: Promise<GaugeSample<L>[] | null> } | undefined;
  const measured = () => {
    if (!last || Date.now() - last.at >= reuseForMs)
      last = { at: Date.now(), samples: withTimeout(measure()).catch(() => null) };
    return last.samples;
  };
  metricsRegistry.removeSingleMetric(name);
  new Gauge<L>({
    name,
    help,
    labelNames,
    async collect() {
      const samples = await measured();
      this.reset();
      if (samples === null && labelNames.length === 0) this.set(NaN);
      for (const { labels = {}, value } of samples ?? []) this.set(labels, value);
    },
  });
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('measure timed out')), MEASURE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
