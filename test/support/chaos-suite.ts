import { ChaosFault, ChaosStack, runChaos } from './chaos-stack';
import { TestClients } from './clients';

/** What a case's fault may use: the stack and the clients, both started before the first case. */
export interface Chaos {
  stack: ChaosStack;
  clients: TestClients;
}

/**
 * One chaos case, as its jest test: the test's name, and the fault of its spike, built when the test starts
 * (e.g. once a dependency's processes are found, so that the fault lands the instant it is due).
 * `gatewayEnv`: the gateway runs this case with it on top of its own environment, and as it was after.
 */
export interface ChaosCase {
  test: string;
  fault: (chaos: Chaos) => ChaosFault | Promise<ChaosFault>;
  gatewayEnv?: () => Record<string, string>;
}

/**
 * A chaos spec: the stack started once, then one spike per case, its whole history judged by runChaos;
 * `heal` puts back, after each case whatever its outcome, what a fault may have left broken.
 */
export function describeChaos(title: string, cases: ChaosCase[], heal?: () => Promise<void>): void {
  describe(title, () => {
    const chaos = {} as Chaos;

    beforeAll(async () => {
      chaos.clients = await TestClients.connect();
      chaos.stack = await ChaosStack.start(chaos.clients);
    });
    if (heal) afterEach(heal);
    afterAll(async () => {
      await chaos.stack?.stop();
      await chaos.clients?.close();
    });

    it.each(cases.map((c) => [c.test, c] as const))('%s', async (_test, { fault, gatewayEnv }) => {
      if (gatewayEnv) await chaos.stack.restartWith('gateway', gatewayEnv());
      try {
        await runChaos(chaos.stack, chaos.clients, await fault(chaos));
      } finally {
        if (gatewayEnv) await chaos.stack.restartWith('gateway', {});
      }
    });
  });
}
