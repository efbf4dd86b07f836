import { AppConfig } from '@app/config';
import { OrderRequestMessage, unpackOrderRequests } from '@app/contracts';
import { KafkaProducerService } from '@app/kafka';
import { Message } from 'kafkajs';
import { OrderRequestRelay } from './order-request.relay';

const request = (n: number): OrderRequestMessage => ({
  orderId: `0191e4b2-5f3a-7c3e-9a51-${String(n).padStart(12, '0')}`,
  activityId: 7,
  userId: `u-${n}`,
  quantity: 1,
  reservedAt: 1_700_000_000_000,
});

function relayWith(maxBatch: number) {
  const sends: Message[][] = [];
  const producer = {
    send: async (_topic: string, messages: Message[]) => void sends.push(messages),
  } as unknown as KafkaProducerService;
  const config = { PUBLISH_LINGER_MS: 60_000, PUBLISH_MAX_BATCH: maxBatch, PUBLISH_MAX_QUEUE: 100_000 };
  return { relay: new OrderRequestRelay(producer, config as AppConfig), sends };
}

describe('OrderRequestRelay', () => {
  it('when a batch is relayed, then it goes as one record carrying every request with its correlation id', async () => {
    const { relay, sends } = relayWith(3);
    relay.relay(request(1), 'c-1');
    relay.relay(request(2), 'c-2');
    relay.relay(request(3), 'c-3');
    await relay.beforeApplicationShutdown();
    expect(sends).toHaveLength(1);
    expect(sends[0]).toHaveLength(1);
    const entries = unpackOrderRequests(sends[0][0].value as string);
    expect(entries.map((e) => [e.decoded.ok && e.decoded.value.orderId, e.correlationId])).toEqual([
      [request(1).orderId, 'c-1'],
      [request(2).orderId, 'c-2'],
      [request(3).orderId, 'c-3'],
    ]);
  });

  it('when a batch holds more than 500 requests, then it is split into records of 500 at most', async () => {
    const { relay, sends } = relayWith(1_200);
    for (let i = 0; i < 1_200; i++) relay.relay(request(i), `c-${i}`);
    await relay.beforeApplicationShutdown();
    const records = sends.flat();
    expect(records.map((r) => unpackOrderRequests(r.value as string).length)).toEqual([500, 500, 200]);
  });
});
