import { randomInt } from 'node:crypto';
import { ICustomPartitioner } from 'kafkajs';

const SEED = 0x9747b28c | 0;
const M = 0x5bd1e995;

/** The 32-bit murmur2 of Kafka's Java client (Utils.murmur2), on 32-bit integers (Math.imul). */
export function murmur2(data: Buffer): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    h = Math.imul(h, M) ^ Math.imul(k, M);
  }
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= data[whole + 2] << 16;
    if (tail >= 2) h ^= data[whole + 1] << 8;
    h = Math.imul(h ^ data[whole], M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  return (h ^ (h >>> 15)) | 0;
}

/**
 * kafkajs' DefaultPartitioner (as the Java client: murmur2 of the key, modulo the partition count; keyless
 * messages round-robin over the partitions that have a leader), with the same partition for every key, at a
 * fraction of its cost: kafkajs computes murmur2 on emulated 64-bit integers, and lists the available
 * partitions for every message. Two records per order cross it in the order-service.
 */
export const KeyPartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const { key } = message;
    if (key !== null && key !== undefined)
      return (
        (murmur2(Buffer.isBuffer(key) ? key : Buffer.from(String(key))) & 0x7fffffff) %
        partitionMetadata.length
      );
    const next = (counters.get(topic) ?? randomInt(2 ** 31)) + 1;
    counters.set(topic, next);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length === 0) return (next & 0x7fffffff) % partitionMetadata.length;
    return available[(next & 0x7fffffff) % available.length].partitionId;
  };
};
