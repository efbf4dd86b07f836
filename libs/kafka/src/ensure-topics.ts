import { Admin } from 'kafkajs';
import { AppConfig } from '@app/config';
import { allTopics } from '@app/contracts';

/**
 * Creates the topics that do not exist yet and waits until every topic has its leaders; returns the names
 * it created. Safe to run from several processes: one that finds the topics just created by another still
 * waits for their leaders (subscribing before them ends the process from inside kafkajs).
 */
export async function ensureTopics(admin: Admin, config: AppConfig): Promise<string[]> {
  const topics = allTopics(config.TIMEOUT_DELAY_LEVELS_SECONDS);
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) await create(admin, config, missing);
  await leadersElected(admin, topics);
  return missing;
}

async function create(admin: Admin, config: AppConfig, missing: string[]): Promise<void> {
  await admin.createTopics({
    waitForLeaders: false, // kafkajs's own wait can throw outside its promise (and end the process)
    topics: missing.map((topic) => ({
      topic,
      numPartitions: config.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      // With acks=all, a write is acknowledged once this many replicas have it: losing fewer brokers loses nothing.
      configEntries: [{ name: 'min.insync.replicas', value: String(config.KAFKA_MIN_INSYNC_REPLICAS) }],
    })),
  });
}

/** Polls the new topics' metadata until every partition has a leader, or gives up after `timeoutMs`. */
async function leadersElected(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lastError: unknown;
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.topics.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (ready) return;
    } catch (err) {
      lastError = err; // a topic not known yet to the broker asked: ask again
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs / 1000} s${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
