import { purchase } from './api';

/** One HTTP attempt of one buyer, as the buyer saw it. */
export interface Attempt {
  userId: string;
  /** 1 for the first try, then each retry with the same Idempotency-Key */
  n: number;
  /** the HTTP status, or what the client got instead of an answer */
  status: number | 'timeout' | 'error';
  code?: string;
  /** of a 202, or the order a 409 ALREADY_PURCHASED names */
  orderId?: string;
  startedAt: number;
  ms: number;
}

export interface SpikeResult {
  /** every attempt of every buyer, in the order they ended */
  attempts: Attempt[];
  buyers: string[];
  startedAt: number;
  endedAt: number;
  /** when the fault was injected and when it was cleared (restart done, process thawed, toxic removed) */
  faultAt: number;
  clearedAt: number;
}

export interface SpikeOptions {
  gateway: string;
  activityId: number;
  /** distinct buyers, each with its own user id */
  buyers: number;
  /** buyers arriving per second (open loop: nobody waits for anyone else's answer) */
  arrivalsPerSecond: number;
  /** `fault` starts once this many purchases were answered 202 (or once every buyer has arrived) */
  faultAfterAccepted: number;
  /** how long a buyer waits for an answer before retrying (default CLIENT_TIMEOUT_MS) */
  patienceMs?: number;
  /** injects the fault, resolves once it is cleared */
  fault: () => Promise<void>;
  /** told of each 202 as it arrives (a winner who goes on to pay) */
  onAccepted?: (userId: string, orderId: string) => void;
}

// A buyer as a real client would be: gives up waiting after a while, retries with the same key on
// anything that is not a decision (no answer, connection lost, 503), a few times, then stops. 2 s + 0.4 s
// is less than PUBLISH_TIMEOUT_MS: a retry can arrive while the first attempt still waits on Kafka.
const CLIENT_TIMEOUT_MS = 2_000;
const RETRY_AFTER_MS = 400;
const MAX_ATTEMPTS = 3;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isDecision = (status: Attempt['status']) => typeof status === 'number' && status !== 503;

/** ALREADY_PURCHASED names the order the buyer holds (in its message). */
function namedOrder(body: { orderId?: string; message?: string } | undefined): string | undefined {
  return body?.orderId ?? body?.message?.match(/order (\S+)/)?.[1];
}

async function buyer(
  gateway: string,
  activityId: number,
  userId: string,
  into: Attempt[],
  answered: () => void,
  patienceMs: number,
  onAccepted?: SpikeOptions['onAccepted'],
): Promise<void> {
  const key = `chaos-${userId}`;
  for (let n = 1; n <= MAX_ATTEMPTS; n++) {
    const startedAt = Date.now();
    const seen = await purchase(
      gateway,
      activityId,
      userId,
      1,
      { 'idempotency-key': key },
      AbortSignal.timeout(patienceMs),
    ).then(
      (r) => ({
        status: r.status,
        code: r.body?.code,
        orderId: r.status === 202 ? r.body?.orderId : namedOrder(r.body),
      }),
      (err: Error & { cause?: { code?: string } }) =>
        err.name === 'TimeoutError'
          ? { status: 'timeout' as const }
          : { status: 'error' as const, code: err.cause?.code ?? err.message },
    );
    into.push({ userId, n, ...seen, startedAt, ms: Date.now() - startedAt });
    answered();
    if (seen.status === 202 && seen.orderId) onAccepted?.(userId, seen.orderId);
    if (isDecision(seen.status)) return;
    if (n < MAX_ATTEMPTS) await pause(RETRY_AFTER_MS);
  }
}

/**
 * A spike of distinct buyers with a fault injected in its middle; records every answer.
 * Resolves when every buyer is done and the fault is cleared.
 */
export async function spike(options: SpikeOptions): Promise<SpikeResult> {
  const { gateway, activityId, buyers: count, arrivalsPerSecond, faultAfterAccepted, fault } = options;
  const attempts: Attempt[] = [];
  const buyers = Array.from({ length: count }, (_, i) => `chaos-${activityId}-${i}`);
  const running: Promise<void>[] = [];
  const startedAt = Date.now();
  let faultTimes: Promise<{ faultAt: number; clearedAt: number } | { failed: unknown }> | undefined;
  const startFault = () => {
    if (faultTimes) return;
    const at = Date.now();
    // Held, not thrown: the buyers in flight are still awaited before the spike fails.
    faultTimes = fault().then(
      () => ({ faultAt: at, clearedAt: Date.now() }),
      (failed: unknown) => ({ failed }),
    );
  };
  let accepted = 0;
  const answered = () => {
    accepted = attempts.at(-1)?.status === 202 ? accepted + 1 : accepted;
    if (accepted >= faultAfterAccepted) startFault();
  };
  for (let i = 0; i < count; i++) {
    // Arrivals on schedule, in slices of 10 ms (a timer per buyer would be too fine to keep).
    const due = startedAt + (i * 1000) / arrivalsPerSecond;
    if (due - Date.now() >= 10) await pause(due - Date.now());
    running.push(
      buyer(
        gateway,
        activityId,
        buyers[i],
        attempts,
        answered,
        options.patienceMs ?? CLIENT_TIMEOUT_MS,
        options.onAccepted,
      ),
    );
  }
  startFault();
  await Promise.all(running);
  const endedAt = Date.now();
  const times = await faultTimes!;
  if ('failed' in times) throw times.failed;
  return { attempts, buyers, startedAt, endedAt, ...times };
}
