import { CheckInvariantsInput, InvariantReport, checkInvariants } from './check-invariants';

export interface SettledReport {
  report: InvariantReport;
  /** how long it took to become quiet, or the whole settle time if it never did */
  waitedMs: number;
}

/**
 * Conservation only holds once quiet, and right after a load test the services are still finishing
 * (orders being written, timeouts cancelling, releases completing). So the checks are repeated, each on a
 * fresh snapshot with a fresh clock, until one finds the system quiet or `settleMs` runs out; that last
 * report is the verdict. Polling, not a fixed wait: a quiet system is judged at once.
 */
export async function settleAndCheck(
  input: Omit<CheckInvariantsInput, 'now'>,
  { settleMs, intervalMs = 500 }: { settleMs: number; intervalMs?: number },
): Promise<SettledReport> {
  const started = Date.now();
  for (;;) {
    const report = await checkInvariants({ ...input, now: new Date() });
    const waitedMs = Date.now() - started;
    if (report.quiet || waitedMs >= settleMs) return { report, waitedMs };
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, settleMs - waitedMs)));
  }
}
