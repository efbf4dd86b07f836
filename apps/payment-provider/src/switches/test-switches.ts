import { Injectable } from '@nestjs/common';
import { z } from 'zod';

/**
 * Deterministic faults, set by a test or the demo through POST /v1/test/switches (never random, so a
 * spec that sets one knows exactly what happens):
 * - failPayments / failRefunds: those calls answer 503, as a provider that is down;
 * - callbackDelayMs: every callback's first attempt waits this long (a late callback);
 * - callbackFailures: this many next delivery attempts fail without reaching the shop (retried);
 * - duplicateCallbacks: every callback is delivered twice, as two independent deliveries;
 * - holdCallbacks: callbacks wait, undelivered, until it is switched off; then they go out in the order
 *   they were made, or newest first with reorderCallbacks (out of order, deterministically).
 */
export const switchesSchema = z
  .object({
    failPayments: z.boolean(),
    failRefunds: z.boolean(),
    callbackDelayMs: z.number().int().min(0).max(600_000),
    callbackFailures: z.number().int().min(0).max(1_000_000),
    duplicateCallbacks: z.boolean(),
    holdCallbacks: z.boolean(),
    reorderCallbacks: z.boolean(),
  })
  .strict();
export type Switches = z.infer<typeof switchesSchema>;

export const NO_FAULTS: Switches = Object.freeze({
  failPayments: false,
  failRefunds: false,
  callbackDelayMs: 0,
  callbackFailures: 0,
  duplicateCallbacks: false,
  holdCallbacks: false,
  reorderCallbacks: false,
});

@Injectable()
export class TestSwitches {
  private current: Switches = { ...NO_FAULTS };
  private readonly released: (() => void)[] = [];

  get value(): Readonly<Switches> {
    return this.current;
  }

  set(change: Partial<Switches>): Switches {
    const wasHolding = this.current.holdCallbacks;
    this.current = { ...this.current, ...change };
    if (wasHolding && !this.current.holdCallbacks) for (const release of this.released) release();
    return this.current;
  }

  /** Called by whoever holds callbacks: run when holdCallbacks goes from on to off. */
  onRelease(listener: () => void): void {
    this.released.push(listener);
  }

  /** Takes one of the failures asked for, if any is left. */
  takeCallbackFailure(): boolean {
    if (this.current.callbackFailures === 0) return false;
    this.current = { ...this.current, callbackFailures: this.current.callbackFailures - 1 };
    return true;
  }
}
