import { Logger } from '@nestjs/common';
import { KafkaMessage, Message } from 'kafkajs';
import { AppConfig } from '@app/config';
import { timeoutTopic } from '@app/contracts';
import { DeadLetterPublisher, KafkaProducerService } from '@app/kafka';
import { CORRELATION_HEADER } from '@app/observability';
import { CancelOutcome, CancellationService } from '../cancellation/cancellation.service';
import { ReadyPlan, TimeoutSource } from './timeout-plan';
import { TimeoutHandler } from './timeout.handler';

const SOURCE: TimeoutSource = { topic: timeoutTopic(5), partition: 3, levelSeconds: 5 };

const message = (orderId: string, correlationId?: string): KafkaMessage =>
  ({
    key: Buffer.from(orderId),
    value: Buffer.from(JSON.stringify({ orderId, activityId: 1, dueAt: 1_000 })),
    offset: '0',
    headers: correlationId ? { [CORRELATION_HEADER]: Buffer.from(correlationId) } : {},
  }) as unknown as KafkaMessage;
const timeout = (orderId: string) => ({ orderId, activityId: 1, dueAt: 1_000 });
const cancel = (orderId: string, correlationId?: string): ReadyPlan => ({
  kind: 'cancel',
  message: message(orderId, correlationId),
  timeout: timeout(orderId),
});
const hop = (orderId: string, level: number): ReadyPlan => ({
  kind: 'hop',
  message: message(orderId),
  timeout: timeout(orderId),
  step: { kind: 'hop', level, dueAt: 1_000 },
});
const deadLetter = (orderId: string): ReadyPlan => ({
  kind: 'dead-letter',
  message: message(orderId),
  reason: 'bad',
});

/** The handler with fakes at its ports: the cancellation's outcomes by order id, a producer, dead letters. */
function handler(outcomes: Record<string, CancelOutcome> = {}) {
  const cancellation = {
    cancelMany: jest.fn(async (ids: string[], _by: string, _correlations: ReadonlyMap<string, string>) => {
      return new Map(ids.map((id) => [id, outcomes[id] ?? { result: 'cancelled' }]));
    }),
  };
  const producer = { send: jest.fn(async (_topic: string, _messages: Message[]) => []) };
  const deadLetters = {
    send: jest.fn(async (_t: string, _p: number, _m: KafkaMessage, _reason: string) => undefined),
  };
  const config = { TIMEOUT_DELAY_LEVELS_SECONDS: [1, 5, 10, 30, 60, 300] } as AppConfig;
  const subject = new TimeoutHandler(
    config,
    cancellation as unknown as CancellationService,
    producer as unknown as KafkaProducerService,
    deadLetters as unknown as DeadLetterPublisher,
  );
  return { subject, cancellation, producer, deadLetters };
}

describe('a chunk of ready timeouts, carried out', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('when several timeouts are due, then they are cancelled in one batch, each with its correlation id, and all are done', async () => {
    const { subject, cancellation } = handler();
    await expect(subject.execute(SOURCE, [cancel('a', 'corr-a'), cancel('b')])).resolves.toBe(2);
    expect(cancellation.cancelMany).toHaveBeenCalledTimes(1);
    expect(cancellation.cancelMany).toHaveBeenCalledWith(['a', 'b'], 'timeout', new Map([['a', 'corr-a']]));
  });

  it('when a message is malformed, then it goes to the dead letters with its source and reason', async () => {
    const { subject, deadLetters, cancellation } = handler();
    const plan = deadLetter('a');
    await expect(subject.execute(SOURCE, [plan])).resolves.toBe(1);
    expect(deadLetters.send).toHaveBeenCalledWith(SOURCE.topic, SOURCE.partition, plan.message, 'bad');
    expect(cancellation.cancelMany).not.toHaveBeenCalled();
  });

  it('when timeouts hop, then each level gets one send with the messages keyed by order', async () => {
    const { subject, producer } = handler();
    await expect(subject.execute(SOURCE, [hop('a', 1), hop('b', 1), hop('c', 10)])).resolves.toBe(3);
    const sent = producer.send.mock.calls.map(([topic, messages]) => [
      topic,
      messages.map((m) => String(m.key)),
    ]);
    expect(sent).toEqual([
      [timeoutTopic(1), ['a', 'b']],
      [timeoutTopic(10), ['c']],
    ]);
  });

  it('when the order of a timeout does not exist, then that message is dead-lettered with the reason', async () => {
    const { subject, deadLetters } = handler({ ghost: { result: 'not-found' } });
    await expect(subject.execute(SOURCE, [cancel('ghost')])).resolves.toBe(1);
    expect(deadLetters.send.mock.calls.map(([, , , reason]) => reason)).toEqual([
      'order ghost does not exist',
    ]);
  });

  it('when the database says the order is not due yet, then the timeout hops again with its correlation id rather than being dropped', async () => {
    const { subject, producer, deadLetters } = handler({ a: { result: 'not-due', remainingMs: 4_000 } });
    await expect(subject.execute(SOURCE, [cancel('a', 'corr-a')])).resolves.toBe(1);
    const [[topic, [copy]]] = producer.send.mock.calls;
    expect(topic).toBe(timeoutTopic(1));
    expect(String(copy.key)).toBe('a');
    expect(String(copy.headers?.[CORRELATION_HEADER])).toBe('corr-a');
    expect(JSON.parse(String(copy.value)).dueAt).toBeGreaterThan(Date.now() + 3_000);
    expect(deadLetters.send).not.toHaveBeenCalled();
  });

  it('when the cancellation fails, then the plans before the first cancel are done and the rest are left for a retry', async () => {
    const { subject, cancellation } = handler();
    cancellation.cancelMany.mockRejectedValueOnce(new Error('database down'));
    await expect(subject.execute(SOURCE, [deadLetter('x'), cancel('a'), hop('b', 1)])).resolves.toBe(1);
  });

  it('when a dead letter cannot be sent, then the chunk is done only up to that message', async () => {
    const { subject, deadLetters } = handler();
    deadLetters.send.mockRejectedValueOnce(new Error('Kafka down'));
    await expect(subject.execute(SOURCE, [cancel('a'), deadLetter('x'), cancel('b')])).resolves.toBe(1);
  });

  it('when a hop cannot be sent, then the chunk is done only up to that hop', async () => {
    const { subject, producer } = handler();
    producer.send.mockRejectedValueOnce(new Error('Kafka down'));
    await expect(subject.execute(SOURCE, [cancel('a'), cancel('b'), hop('c', 1)])).resolves.toBe(2);
  });
});
