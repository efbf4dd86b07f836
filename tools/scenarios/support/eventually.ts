/**
 * Polls `probe` until it returns something other than `false` (or stops throwing), then returns it;
 * after `timeoutMs` the last error says what never happened. Scenarios wait for effects this way,
 * never by sleeping a fixed time.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const value = await probe();
      if (value !== false) return value as Exclude<T, false>;
    } catch (err) {
      failure = err;
    }
    if (Date.now() > deadline) {
      const cause = failure instanceof Error ? `: ${failure.message}` : '';
      throw new Error(`${what} did not happen within ${timeoutMs / 1000} s${cause}`);
    }
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
