// Proves the local Kafka broker really works: a topic can be created and a message makes the round trip
// through a consumer group. Exits 0 when it does, 1 (with the reason) after ~60 s of trying.
const { Kafka, logLevel } = require('kafkajs');
const { randomUUID } = require('node:crypto');

const brokers = (process.argv[2] || '127.0.0.1:9092').split(',');
const topic = 'seckill.infra-ready';
// A cluster's min.insync.replicas refuses acks=all on a topic with fewer replicas.
const replicationFactor = Number(process.argv[3] || 1);
const deadline = Date.now() + 60_000;

async function roundTrip() {
  const kafka = new Kafka({
    clientId: 'infra-ready',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: 'seckill.infra-ready', sessionTimeout: 10_000 });
  try {
    await admin.connect();
    if (!(await admin.listTopics()).includes(topic)) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: 1, replicationFactor }],
      });
    }
    const marker = randomUUID();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: marker }] });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('message did not come back within 20 s')), 20_000);
      consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value && message.value.toString() === marker) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
  }
}

(async () => {
  let lastError;
  while (Date.now() < deadline) {
    try {
      await roundTrip();
      process.exit(0);
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  console.error(`kafka is not ready: ${lastError && lastError.message}`);
  process.exit(1);
})();
