import { describeChaos } from '../support/chaos-suite';

// Frozen longer than what each one's peers wait for it: the buyers' 2.5 s patience, the Kafka session (10 s).
const GATEWAY_FREEZE_MS = 5_000;
const CONSUMER_FREEZE_MS = 12_000;
// With 2 s to pay, cancellations are due from ~2 s into the spike, whose arrivals last 4 s: once 90 % of
// the stock is sold the cancel-service is hit in its wave of cancellations (released stock sells again).
const CANCEL_WAVE = { at: 0.9, payTimeoutSeconds: 2 };

describeChaos('chaos: a service crashes (kill -9) or freezes (SIGSTOP) during a spike', [
  {
    test: 'no fault (baseline): every 202 becomes exactly one order, nothing oversold or stuck',
    fault: () => ({ name: 'no fault (baseline)', inject: async () => undefined }),
  },
  {
    test: 'kill -9 of the gateway mid-burst: every 202 becomes exactly one order, nothing is stuck',
    fault: ({ stack }) => ({ name: 'kill -9 of the gateway', inject: () => stack.crash('gateway') }),
  },
  {
    test: 'kill -9 of the order-service mid-burst: every 202 becomes exactly one order',
    fault: ({ stack }) => ({
      name: 'kill -9 of the order-service',
      inject: () => stack.crash('order-service'),
    }),
  },
  {
    test: 'kill -9 of the cancel-service in its wave of timeouts: each stock released once, nothing oversold',
    fault: ({ stack }) => ({
      name: 'kill -9 of the cancel-service',
      ...CANCEL_WAVE,
      inject: () => stack.crash('cancel-service'),
    }),
  },
  {
    test: 'SIGSTOP of the gateway for 5 s: buyers time out and retry, every 202 becomes exactly one order',
    fault: ({ stack }) => ({
      name: 'SIGSTOP of the gateway (5 s)',
      inject: () => stack.freeze('gateway', GATEWAY_FREEZE_MS),
    }),
  },
  {
    test: 'SIGSTOP of the order-service for 12 s (past its Kafka session): every 202 becomes exactly one order',
    fault: ({ stack }) => ({
      name: 'SIGSTOP of the order-service (12 s)',
      inject: () => stack.freeze('order-service', CONSUMER_FREEZE_MS),
    }),
  },
  {
    test: 'SIGSTOP of the cancel-service for 12 s in its wave of timeouts: each stock released once',
    fault: ({ stack }) => ({
      name: 'SIGSTOP of the cancel-service (12 s)',
      ...CANCEL_WAVE,
      inject: () => stack.freeze('cancel-service', CONSUMER_FREEZE_MS),
    }),
  },
]);
