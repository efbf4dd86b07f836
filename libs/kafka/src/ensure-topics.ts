import { Admin } from 'kafkajs';
import { AppConfig } from '@app/config';
import { allTopics } from '@app/contracts';

/** Creates the topics that do not exist yet; returns their names. Safe to run from several processes. */
export async function ensureTopics(admin: Admin, config: AppConfig): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = allTopics(config.TIMEOUT_DELAY_LEVELS_SECONDS).filter((t) => !existing.has(t));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: config.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      // With acks=all, a write is acknowledged once this many replicas have it: losing fewer brokers loses nothing.
      configEntries: [{ name: 'min.insync.replicas', value: String(config.KAFKA_MIN_INSYNC_REPLICAS) }],
    })),
  });
  return missing;
}
