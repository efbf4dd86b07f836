import { randomBytes, randomUUID } from 'node:crypto';
import { PartitionMetadata, Partitioners } from 'kafkajs';
import { KeyPartitioner } from './kafka-producer.service';

const partitions = (count: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));

describe('KeyPartitioner', () => {
  // Every key of every length and byte (0 to 40 bytes: each remainder of the 4-byte blocks), as strings
  // (order ids, non-ASCII buyer ids) and as buffers.
  const keys: (string | Buffer)[] = [
    '',
    ...Array.from({ length: 2_000 }, () => randomUUID()),
    ...Array.from({ length: 2_000 }, (_, i) => randomBytes(i % 41)),
    ...Array.from({ length: 500 }, (_, i) => `买家-${i}-${'é'.repeat(i % 7)}`),
  ];

  it.each([1, 6, 7, 64])(
    'when a message has a key, then it lands where kafkajs (and the Java client) put it: %i partitions',
    (count) => {
      const ours = KeyPartitioner();
      const theirs = Partitioners.DefaultPartitioner();
      const partitionMetadata = partitions(count);
      for (const key of keys) {
        const args = { topic: 't', partitionMetadata, message: { key, value: 'v' } };
        expect(ours(args)).toBe(theirs(args));
      }
    },
  );

  it('when a message names its partition, then that partition is used, key or not', () => {
    const ours = KeyPartitioner();
    const message = { key: 'order-1', value: 'v', partition: 5 };
    expect(ours({ topic: 't', partitionMetadata: partitions(6), message })).toBe(5);
  });

  it('when messages have no key, then they go round the partitions that have a leader, each in turn', () => {
    const ours = KeyPartitioner();
    const partitionMetadata = partitions(6, [1, 4]);
    const chosen = Array.from({ length: 40 }, () =>
      ours({ topic: 't', partitionMetadata, message: { value: 'v' } }),
    );
    expect(new Set(chosen)).toEqual(new Set([0, 2, 3, 5]));
    for (let i = 1; i < chosen.length; i++) expect(chosen[i]).not.toBe(chosen[i - 1]);
  });
});
