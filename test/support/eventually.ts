type Options = { timeoutMs?: number; intervalMs?: number };
type Probe<T> = () => T | Promise<T>;

/**
 * Polls `probe` until it stops throwing (or returns something other than `false`), then returns its value.
 * Use for every asynchronous effect instead of sleeping a fixed time. Past `timeoutMs` it throws the probe's
 * last error; given `what` first (the tools' narration), an error that says what never happened.
 */
export function eventually<T>(probe: Probe<T>, options?: Options): Promise<Exclude<T, false>>;
export function eventually<T>(what: string, probe: Probe<T>, options?: Options): Promise<Exclude<T, false>>;
export async function eventually<T>(
  ...args: [Probe<T>, Options?] | [string, Probe<T>, Options?]
): Promise<Exclude<T, false>> {
  const [what, probe, { timeoutMs = 15_000, intervalMs = 50 } = {}] =
    typeof args[0] === 'string'
      ? (args as [string, Probe<T>, Options?])
      : [undefined, ...(args as [Probe<T>, Options?])];
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== false) return value as Exclude<T, false>;
      lastError = new Error('condition returned false');
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      if (what === undefined) throw lastError;
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`${what} did not happen within ${timeoutMs / 1000} s${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
