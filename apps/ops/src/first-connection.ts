// The first connection of an ops CLI, retried for a bounded time (`--wait <seconds>`): compose starts setup as
// soon as PostgreSQL and Kafka report healthy, which can be a moment before they take every connection.

export const WAIT_USAGE =
  '[--wait <seconds>] (retry the first connection for up to that long; default: once)';

/** The seconds of `--wait <seconds>` (1–600), or 0 (a single attempt) without it. */
export function waitSeconds(argv: string[]): number {
  if (argv.length === 0) return 0;
  const seconds = argv[0] === '--wait' && argv.length === 2 ? Number(argv[1]) : NaN;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) {
    throw new Error(`unexpected arguments "${argv.join(' ')}": ${WAIT_USAGE}`);
  }
  return seconds;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * `connect()` until it succeeds or `waitMs` has passed, one line on `log` per failed attempt (what is awaited
 * and why); past the wait, the last error, saying what could not be reached.
 */
export async function firstConnection<T>(
  what: string,
  connect: () => Promise<T>,
  waitMs: number,
  {
    log,
    clock = realClock,
    intervalMs = 1_000,
  }: { log: (line: string) => void; clock?: Clock; intervalMs?: number },
): Promise<T> {
  const deadline = clock.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const left = deadline - clock.now();
      if (left <= 0) {
        const tried = attempt > 1 ? ` (${attempt} attempts in ${waitMs / 1000} s)` : '';
        throw new Error(`${what} unreachable${tried}: ${reason}`, { cause: err });
      }
      log(`${what} not reachable yet (${reason}); retrying for ${Math.ceil(left / 1000)} s more`);
      await clock.sleep(Math.min(intervalMs, left));
    }
  }
}
