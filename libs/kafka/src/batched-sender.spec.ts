import { Message } from 'kafkajs';
import { BatchedSender } from './batched-sender';
import { KafkaProducerService } from './kafka-producer.service';

/** A producer whose sends complete only when the test says so (pure logic: no broker involved). */
function fakeProducer() {
  const sends: { messages: Message[]; ack: () => void; fail: (err: Error) => void }[] = [];
  const producer = {
    send: (_topic: string, messages: Message[]) =>
      new Promise<void>((ack, fail) => sends.push({ messages, ack: () => ack(), fail })),
  } as unknown as KafkaProducerService;
  return { producer, sends };
}
const msg = (key: string): Message => ({ key, value: key });
const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchedSender', () => {
  it('when messages arrive while a send is in flight, then they go together in the next send', async () => {
    const { producer, sends } = fakeProducer();
    const sender = new BatchedSender(producer, 't', { lingerMs: 0, maxBatch: 100 });
    const first = sender.send(msg('a'));
    const later = [sender.send(msg('b')), sender.send(msg('c'))];
    expect(sends.map((s) => s.messages.length)).toEqual([1]);
    sends[0].ack();
    await first;
    await flushMicrotasks();
    expect(sends.map((s) => s.messages.map((m) => m.key))).toEqual([['a'], ['b', 'c']]);
    sends[1].ack();
    await expect(Promise.all(later)).resolves.toEqual([undefined, undefined]);
  });

  it('when a batch is full, then it is sent without waiting for the linger', () => {
    const { producer, sends } = fakeProducer();
    const sender = new BatchedSender(producer, 't', { lingerMs: 60_000, maxBatch: 2 });
    void sender.send(msg('a'));
    expect(sends).toHaveLength(0);
    void sender.send(msg('b'));
    expect(sends.map((s) => s.messages.length)).toEqual([2]);
  });

  it('when the send fails, then every caller of that batch gets the error', async () => {
    const { producer, sends } = fakeProducer();
    const sender = new BatchedSender(producer, 't', { lingerMs: 0, maxBatch: 10 });
    const a = sender.send(msg('a'));
    sends[0].fail(new Error('broker down'));
    await expect(a).rejects.toThrow('broker down');
  });

  it('when the ack takes longer than the timeout, then the caller is told at the timeout', async () => {
    jest.useFakeTimers();
    try {
      const { producer } = fakeProducer();
      const sender = new BatchedSender(producer, 't', { lingerMs: 0, maxBatch: 10, timeoutMs: 3_000 });
      const a = sender.send(msg('a'));
      jest.advanceTimersByTime(3_000);
      await expect(a).rejects.toThrow('did not acknowledge in time');
    } finally {
      jest.useRealTimers();
    }
  });

  it('when a message times out while still queued, then it is dropped, not sent late behind fresh ones', async () => {
    jest.useFakeTimers();
    try {
      const { producer, sends } = fakeProducer();
      const sender = new BatchedSender(producer, 't', { lingerMs: 0, maxBatch: 10, timeoutMs: 3_000 });
      const first = sender.send(msg('a'));
      const stale = sender.send(msg('stale')); // queued behind the send in flight
      jest.advanceTimersByTime(3_000);
      await expect(stale).rejects.toThrow('did not acknowledge in time');
      await expect(first).rejects.toThrow('did not acknowledge in time');
      void sender.send(msg('fresh'));
      sends[0].ack();
      await Promise.resolve();
      await Promise.resolve();
      expect(sends.map((s) => s.messages.map((m) => m.key))).toEqual([['a'], ['fresh']]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('when the queue is full, then send fails at once and offer queues nothing', async () => {
    const { producer, sends } = fakeProducer();
    const sender = new BatchedSender(producer, 't', { lingerMs: 0, maxBatch: 10, maxQueue: 2 });
    void sender.send(msg('in-flight'));
    expect(sender.offer(msg('a'))).toBe(true);
    expect(sender.offer(msg('b'))).toBe(true);
    expect(sender.offer(msg('c'))).toBe(false);
    await expect(sender.send(msg('d'))).rejects.toThrow('is full');
    expect(sender.queued).toBe(2);
    sends[0].ack();
    await flushMicrotasks();
    expect(sends[1].messages.map((m) => m.key)).toEqual(['a', 'b']);
  });

  it('when a batch of offered messages fails, then onFailure hears of each lost message', async () => {
    const { producer, sends } = fakeProducer();
    const lost: string[] = [];
    const sender = new BatchedSender(producer, 't', {
      lingerMs: 0,
      maxBatch: 10,
      onFailure: (_err, messages) => lost.push(...messages.map((m) => String(m.key))),
    });
    sender.offer(msg('a'));
    sends[0].fail(new Error('broker down'));
    await flushMicrotasks();
    expect(lost).toEqual(['a']);
  });

  it('when a pack is given, then a batch goes as the records it makes, and a failure names the messages', async () => {
    const { producer, sends } = fakeProducer();
    const lost: string[][] = [];
    const sender = new BatchedSender<string>(producer, 't', {
      lingerMs: 0,
      maxBatch: 10,
      pack: (items) => [{ value: items.join('+') }],
      onFailure: (_err, items) => lost.push(items),
    });
    void sender.send('a');
    const queued = [sender.send('b'), sender.send('c')];
    sends[0].ack();
    await flushMicrotasks();
    expect(sends.map((s) => s.messages.map((m) => m.value))).toEqual([['a'], ['b+c']]);
    sends[1].fail(new Error('broker down'));
    await expect(Promise.all(queued)).rejects.toThrow('broker down');
    expect(lost).toEqual([['b', 'c']]);
  });
});
