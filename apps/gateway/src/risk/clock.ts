/**
 * The gateway's one source of "now" (epoch ms). The same value decides the in-process checks and is
 * passed to the reservation script, so a purchase is judged against one instant everywhere; tests
 * inject their own clock to step over rate-limit boundaries without sleeping.
 */
export interface Clock {
  now(): number;
}

export const CLOCK = Symbol('CLOCK');
export const systemClock: Clock = { now: () => Date.now() };
