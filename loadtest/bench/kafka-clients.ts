import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { benchOrderRequest } from './kafka-produce';
import { ROOT } from './paths';
import { round } from './stats';

/** One client's figures for one shape: wall time and this process's CPU (user + system), per message. */
export interface ClientFigure {
  messages: number;
  perSecond: number;
  cpuUsPerMessage: number;
}
export interface ClientBench {
  client: string;
  /** acks=all, `batchSize` keyed order-request-sized records per send (the order-service's event batches) */
  produceBatched: ClientFigure & { batchSize: number };
  /** acks=all, one record per send (a quiet relay: one admission per linger) */
  produceOneByOne: ClientFigure;
  /** a consumer group reading every batched record from the beginning (the intake's fetches) */
  consume: ClientFigure;
}
export type KafkaClientsBench = { clients: ClientBench[] } | { skipped: string };

const SHAPE = { batched: 20_000, batchSize: 500, oneByOne: 500 };
async function measure(messages: number, run: () => Promise<void>): Promise<ClientFigure> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wallS = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    messages,
    perSecond: Math.round(messages / wallS),
    cpuUsPerMessage: round((used.user + used.system) / messages, 1),
  };
}

/** The same three shapes through a client: produce batched, produce one by one, consume what was batched. */
interface ClientUnderTest {
  name: string;
  createTopic(topic: string, partitions: number): Promise<void>;
  deleteTopic(topic: string): Promise<void>;
  send(topic: string, messages: { key: string; value: string }[]): Promise<void>;
  /** resolves once `count` records were read by a fresh group from the beginning */
  consume(topic: string, count: number): Promise<void>;
  close(): Promise<void>;
}

async function benchClient(client: ClientUnderTest, partitions: number): Promise<ClientBench> {
  const topic = `bench.clients.${process.pid}.${Date.now()}`;
  await client.createTopic(topic, partitions);
  try {
    await client.send(topic, [benchOrderRequest()]); // warm-up: metadata, connections
    const batches = Array.from({ length: SHAPE.batched / SHAPE.batchSize }, () =>
      Array.from({ length: SHAPE.batchSize }, benchOrderRequest),
    );
    const produceBatched = await measure(SHAPE.batched, async () => {
      for (const batch of batches) await client.send(topic, batch);
    });
    const singles = Array.from({ length: SHAPE.oneByOne }, benchOrderRequest);
    const produceOneByOne = await measure(SHAPE.oneByOne, async () => {
      for (const one of singles) await client.send(topic, [one]);
    });
    const total = 1 + SHAPE.batched + SHAPE.oneByOne;
    const consume = await measure(total, () => client.consume(topic, total));
    return {
      client: client.name,
      produceBatched: { ...produceBatched, batchSize: SHAPE.batchSize },
      produceOneByOne,
      consume,
    };
  } finally {
    await client.deleteTopic(topic).catch(() => undefined);
    await client.close();
  }
}

function kafkajsClient(brokers: string[]): ClientUnderTest {
  const kafka = new Kafka({ clientId: 'bench-clients', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: false, createPartitioner: Partitioners.DefaultPartitioner });
  let connected: Promise<unknown> | undefined;
  const ready = () => (connected ??= Promise.all([admin.connect(), producer.connect()]));
  return {
    name: 'kafkajs 2.2.4',
    createTopic: async (topic, numPartitions) => {
      await ready();
      await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
    },
    deleteTopic: (topic) => admin.deleteTopics({ topics: [topic] }),
    send: async (topic, messages) => {
      await producer.send({ topic, messages, acks: -1 });
    },
    consume: async (topic, count) => {
      const consumer = kafka.consumer({ groupId: `bench-clients-${randomUUID()}`, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let seen = 0;
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            partitionsConsumedConcurrently: 3,
            eachBatch: async ({ batch }) => {
              seen += batch.messages.length;
              if (seen >= count) resolve();
            },
          })
          .catch(reject);
      });
      await consumer.disconnect();
    },
    close: async () => {
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

/** What the bench uses of @platformatic/kafka (an ES module, loaded at run time). */
interface PlatformaticKafka {
  Admin: new (options: object) => {
    createTopics(o: object): Promise<unknown>;
    metadata(o: object): Promise<{ topics?: Map<string, { partitionsCount: number }> }>;
    deleteTopics(o: object): Promise<unknown>;
    close(): Promise<void>;
  };
  Producer: new (options: object) => { send(o: object): Promise<unknown>; close(): Promise<void> };
  Consumer: new (options: object) => {
    consume(o: object): Promise<{
      on(event: string, listener: (arg: unknown) => void): void;
      close(): Promise<void>;
    }>;
    close(force?: boolean): Promise<void>;
  };
  stringSerializers: object;
  stringDeserializers: object;
  clientSoftwareVersion?: string;
}

/** import() kept as such: TypeScript's CommonJS output would turn it into a require of an ES module. */
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;

async function platformaticClient(brokers: string[]): Promise<ClientUnderTest> {
  const pk = (await importEsm('@platformatic/kafka')) as PlatformaticKafka;
  const version = typeof pk.clientSoftwareVersion === 'string' ? pk.clientSoftwareVersion : '';
  const base = { clientId: 'bench-clients', bootstrapBrokers: brokers };
  const admin = new pk.Admin(base);
  const producer = new pk.Producer({
    ...base,
    serializers: pk.stringSerializers,
    acks: -1,
    idempotent: false,
  });
  return {
    name: `@platformatic/kafka ${version}`.trim(),
    createTopic: async (topic, partitions) => {
      await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
      // wait for leaders: a produce right after creation may meet "unknown topic"
      for (let i = 0; i < 50; i++) {
        const meta = await admin.metadata({ topics: [topic] }).catch(() => null);
        const t = meta?.topics?.get(topic);
        if (t && t.partitionsCount === partitions) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    deleteTopic: async (topic) => void (await admin.deleteTopics({ topics: [topic] })),
    send: async (topic, messages) => {
      await producer.send({ messages: messages.map((m) => ({ topic, key: m.key, value: m.value })) });
    },
    consume: async (topic, count) => {
      const consumer = new pk.Consumer({
        ...base,
        groupId: `bench-clients-${randomUUID()}`,
        deserializers: pk.stringDeserializers,
        maxWaitTime: 100,
      });
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: true });
      let seen = 0;
      await new Promise<void>((resolve, reject) => {
        stream.on('data', () => {
          if (++seen >= count) resolve();
        });
        stream.on('error', reject);
      });
      await stream.close();
      await consumer.close(true);
    },
    close: async () => {
      await producer.close();
      await admin.close();
    },
  };
}

/** Both clients in this process, one after the other. */
async function measureBoth(brokers: string[], partitions: number): Promise<ClientBench[]> {
  const clients: ClientBench[] = [];
  clients.push(await benchClient(kafkajsClient(brokers), partitions));
  try {
    clients.push(await benchClient(await platformaticClient(brokers), partitions));
  } catch (err) {
    // e.g. a checkout whose node_modules predate it: kafkajs' figures still count
    console.error(`bench: @platformatic/kafka not measured: ${err instanceof Error ? err.message : err}`);
  }
  return clients;
}

/**
 * The Kafka client decided by measurement (docs/architecture.md): the same shapes through kafkajs and
 * through @platformatic/kafka (pure JavaScript, Apache-2.0), one after the other on the same broker, each on
 * a throwaway topic. In a child process on the Node the services run on (24: @platformatic/kafka needs 22 or
 * later), which runs nothing else meanwhile, so its CPU per message is the client's.
 */
export async function benchKafkaClients(brokers: string[], partitions = 6): Promise<KafkaClientsBench> {
  try {
    const nodeDir = execFileSync('bash', [join(ROOT, 'scripts/infra.sh'), 'node'], {
      encoding: 'utf8',
    }).trim();
    const out = execFileSync(join(nodeDir, 'node'), [__filename, brokers.join(','), String(partitions)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 300_000,
    });
    return { clients: JSON.parse(out) as ClientBench[] };
  } catch (err) {
    const skipped = `Kafka clients not compared: ${err instanceof Error ? err.message : err}`;
    console.error(`bench: ${skipped}`);
    return { skipped };
  }
}

if (require.main === module) {
  const [brokers, partitions] = process.argv.slice(2);
  measureBoth(brokers.split(','), Number(partitions)).then(
    (clients) => {
      process.stdout.write(JSON.stringify(clients));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
