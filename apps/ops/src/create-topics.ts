// Creates every Kafka topic (`npm run kafka:topics`); the services also do it at startup.
import { loadConfig } from '@app/config';
import { createKafka, ensureTopics } from '@app/kafka';

async function main(): Promise<void> {
  const config = loadConfig();
  const admin = createKafka(config, 'topic-setup').admin();
  await admin.connect();
  try {
    console.log(JSON.stringify({ msg: 'topics ready', created: await ensureTopics(admin, config) }));
  } finally {
    await admin.disconnect();
  }
}

main().catch((err) => {
  console.error(`create-topics: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
