import { KafkaMessage } from 'kafkajs';
import { OrderTimeoutMessage, decodeMessage, delayLevelFor, orderTimeoutSchema } from '@app/contracts';

/**
 * What to do with the head message of a delay-level partition. Pure (the clock is an argument),
 * so the whole delayed-delivery policy is testable without Kafka.
 *
 * - `wait`: not ready yet; pause the partition until `until` and leave the message unresolved.
 * - `hop`: ready, but its due time is still ahead; re-publish it to `level` (with `dueAt`) and move on.
 * - `cancel`: due now; try the conditional cancel.
 */
export type HopStep = { kind: 'hop'; level: number; dueAt: number };
export type TimeoutStep = { kind: 'wait'; until: number } | HopStep | { kind: 'cancel' };

/** Where and when the message was delivered: its level topic's delay and its Kafka timestamp. */
export interface Delivery {
  levelSeconds: number;
  timestamp: number;
}

/**
 * Every message of a level waits the same `levelSeconds` after it was produced, so the partition is
 * ordered by ready time and only its head needs a timer. A message is also ready at its own `dueAt`
 * when that comes first: a short remainder hopped onto a longer level must not overshoot.
 */
export function nextStep(
  dueAt: number,
  delivery: Delivery,
  now: number,
  levels: readonly number[],
): TimeoutStep {
  const readyAt = Math.min(delivery.timestamp + delivery.levelSeconds * 1000, dueAt);
  if (now < readyAt) return { kind: 'wait', until: readyAt };
  if (dueAt <= now) return { kind: 'cancel' };
  return { kind: 'hop', level: delayLevelFor(dueAt - now, levels), dueAt };
}

/**
 * The message was due by our clock but the database says the order expires `remainingMs` later
 * (clock skew, or a producer's rounding). Keep the timeout alive: hop it with the due time moved to
 * the database's view, measured on our clock, so that skew cannot make the next attempt early again.
 */
export function notDueStep(remainingMs: number, now: number, levels: readonly number[]): HopStep {
  const wait = Math.max(1, Math.ceil(remainingMs));
  return { kind: 'hop', level: delayLevelFor(wait, levels), dueAt: now + wait };
}

/** Where a message came from: its topic, partition and the delay of its level. */
export interface TimeoutSource {
  topic: string;
  partition: number;
  levelSeconds: number;
}

/** What one message needs, decided before any I/O so a batch can be split at its first unready message. */
export type TimeoutPlan =
  | { kind: 'wait'; until: number }
  | { kind: 'dead-letter'; message: KafkaMessage; reason: string }
  | { kind: 'hop'; message: KafkaMessage; timeout: OrderTimeoutMessage; step: HopStep }
  | { kind: 'cancel'; message: KafkaMessage; timeout: OrderTimeoutMessage };

export type ReadyPlan = Exclude<TimeoutPlan, { kind: 'wait' }>;

export function planTimeout(
  source: TimeoutSource,
  message: KafkaMessage,
  now: number,
  levels: readonly number[],
): TimeoutPlan {
  const decoded = decodeMessage(orderTimeoutSchema, message.value);
  if (!decoded.ok) return { kind: 'dead-letter', message, reason: decoded.reason };
  const timeout = decoded.value;
  const delivery = { levelSeconds: source.levelSeconds, timestamp: Number(message.timestamp) };
  const step = nextStep(timeout.dueAt, delivery, now, levels);
  if (step.kind === 'wait') return step;
  if (step.kind === 'hop') return { kind: 'hop', message, timeout, step };
  return { kind: 'cancel', message, timeout };
}
