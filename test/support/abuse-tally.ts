import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RESULTS = join(__dirname, '../../.local/abuse-results.json');

export interface Counts {
  tried: number;
  accepted: number;
  serverErrors: number;
  byStatus: Record<string, number>;
}

interface Results {
  updatedAt: string;
  total: Omit<Counts, 'byStatus'>;
  suites: Record<string, Counts & { at: string }>;
}

/**
 * Counts the bad inputs of one abuse spec — how many were tried, accepted (2xx/3xx) and answered 5xx —
 * and keeps the latest figures of every abuse spec in .local/abuse-results.json (for docs/reliability.md).
 */
export class AbuseTally {
  readonly counts: Counts = { tried: 0, accepted: 0, serverErrors: 0, byStatus: {} };

  constructor(private readonly suite: string) {}

  record(status: number): void {
    this.counts.tried += 1;
    if (status < 400) this.counts.accepted += 1;
    if (status >= 500) this.counts.serverErrors += 1;
    this.counts.byStatus[status] = (this.counts.byStatus[status] ?? 0) + 1;
  }

  report(): void {
    const results = this.merge();
    mkdirSync(join(RESULTS, '..'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    const line = (name: string, c: Omit<Counts, 'byStatus'>) =>
      `${name}: ${c.tried} bad inputs tried, ${c.accepted} accepted, ${c.serverErrors} 5xx`;
    process.stdout.write(
      `\n${line(`abuse (${this.suite})`, this.counts)}\n${line('abuse (all specs, latest run of each)', results.total)}\n`,
    );
  }

  private merge(): Results {
    const previous: Results | undefined = existsSync(RESULTS)
      ? JSON.parse(readFileSync(RESULTS, 'utf8'))
      : undefined;
    const at = new Date().toISOString();
    const suites = { ...previous?.suites, [this.suite]: { ...this.counts, at } };
    const total = { tried: 0, accepted: 0, serverErrors: 0 };
    for (const c of Object.values(suites)) {
      total.tried += c.tried;
      total.accepted += c.accepted;
      total.serverErrors += c.serverErrors;
    }
    return { updatedAt: at, total, suites };
  }
}
