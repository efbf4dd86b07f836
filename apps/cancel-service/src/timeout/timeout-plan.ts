import { KafkaMessage } from 'kafkajs';
import { OrderTimeoutMessage, decodeMessage, orderTimeoutSchema } from '@app/contracts';
import { HopStep, nextStep } from './timeout-step';

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
