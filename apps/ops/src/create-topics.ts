// Creates every Kafka topic (`npm run kafka:topics`); the services also do it at startup. Compose's setup
// passes `--wait`: a broker may report healthy a moment before it takes this connection.
import { loadConfig } from '@app/config';
import { createKafka, ensureTopics } from '@app/kafka';
import { firstConnection, waitSeconds } from './first-connection';

async function main(argv: string[]): Promise<void> {
  const waitMs = waitSeconds(argv) * 1_000;
  const config = loadConfig();
  const admin = await firstConnection(
    'Kafka',
    async () => {
      const admin = createKafka(config, 'topic-setup').admin();
      try {
        await admin.connect(); // fetches the cluster's metadata
      } catch (err) {
        await admin.disconnect().catch(() => undefined);
        throw err;
      }
      return admin;
    },
    waitMs,
    { log: (line) => console.error(`create-topics: ${line}`) },
  );
  try {
    console.log(JSON.stringify({ msg: 'topics ready', created: await ensureTopics(admin, config) }));
  } finally {
    await admin.disconnect();
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`create-topics: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
