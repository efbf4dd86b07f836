import { ChaosStack, runChaos } from '../support/chaos-stack';
import { TestClients } from '../support/clients';

// Frozen longer than what each one's peers wait for it: the buyers' 2.5 s patience, the Kafka session (10 s).
const GATEWAY_FREEZE_MS = 5_000;
const CONSUMER_FREEZE_MS = 12_000;
// With 2 s to pay, cancellations are due from ~2 s into the spike, whose arrivals last 4 s: once 90 % of
// the stock is sold the cancel-service is hit in its wave of cancellations (released stock sells again).
const CANCEL_WAVE = { at: 0.9, payTimeoutSeconds: 2 };

describe('chaos: a service crashes (kill -9) or freezes (SIGSTOP) during a spike', () => {
  let clients: TestClients;
  let stack: ChaosStack;

  beforeAll(async () => {
    clients = await TestClients.connect();
    stack = await ChaosStack.start(clients);
  });
  afterAll(async () => {
    await stack?.stop();
    await clients?.close();
  });

  it('no fault (baseline): every 202 becomes exactly one order, nothing oversold or stuck', async () => {
    await runChaos(stack, clients, { name: 'no fault (baseline)', inject: async () => undefined });
  });

  it('kill -9 of the gateway mid-burst: every 202 becomes exactly one order, nothing is stuck', async () => {
    await runChaos(stack, clients, { name: 'kill -9 of the gateway', inject: () => stack.crash('gateway') });
  });

  it('kill -9 of the order-service mid-burst: every 202 becomes exactly one order', async () => {
    await runChaos(stack, clients, {
      name: 'kill -9 of the order-service',
      inject: () => stack.crash('order-service'),
    });
  });

  it('kill -9 of the cancel-service in its wave of timeouts: each stock released once, nothing oversold', async () => {
    await runChaos(stack, clients, {
      name: 'kill -9 of the cancel-service',
      ...CANCEL_WAVE,
      inject: () => stack.crash('cancel-service'),
    });
  });

  it('SIGSTOP of the gateway for 5 s: buyers time out and retry, every 202 becomes exactly one order', async () => {
    await runChaos(stack, clients, {
      name: 'SIGSTOP of the gateway (5 s)',
      inject: () => stack.freeze('gateway', GATEWAY_FREEZE_MS),
    });
  });

  it('SIGSTOP of the order-service for 12 s (past its Kafka session): every 202 becomes exactly one order', async () => {
    await runChaos(stack, clients, {
      name: 'SIGSTOP of the order-service (12 s)',
      inject: () => stack.freeze('order-service', CONSUMER_FREEZE_MS),
    });
  });

  it('SIGSTOP of the cancel-service for 12 s in its wave of timeouts: each stock released once', async () => {
    await runChaos(stack, clients, {
      name: 'SIGSTOP of the cancel-service (12 s)',
      ...CANCEL_WAVE,
      inject: () => stack.freeze('cancel-service', CONSUMER_FREEZE_MS),
    });
  });
});
