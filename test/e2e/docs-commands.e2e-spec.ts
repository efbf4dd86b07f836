import { FencedBlock, claimingBlocks, stepsOf } from '../support/doc-blocks';
import { parseClaim, unmet } from '../support/doc-claims';
import { eventually } from '../support/eventually';
import { ServiceName, ServiceProcess, TEST_PORTS } from '../support/service-process';
import { ShellAnswer, ShellSession } from '../support/shell-session';

// The docs' command blocks are read from the docs at run time, never copied here: a route renamed in the
// README or in the code fails this spec. They run against services of this spec's own, so the blocks'
// addresses, and the ids they leave to the reader, are filled in.
const DOCUMENTS = ['README.md', 'docs/walkthrough.md'];
const STACK_PORTS: Record<string, ServiceName> = {
  3000: 'gateway',
  3001: 'order-service',
  3002: 'cancel-service',
};
/** The blocks buy "activity 1": the first one a fresh stack creates, which here is the one they created. */
const FRESH_STACK_ACTIVITY_ID = '1';

type Known = Record<string, unknown>;

function fillIn(command: string, known: Known): string {
  const activity = (id: string) => {
    if (id !== FRESH_STACK_ACTIVITY_ID) throw new Error(`the block names activity ${id}, not one it created`);
    if (known.activityId === undefined) throw new Error('the block uses an activity before creating one');
    return String(known.activityId);
  };
  return command
    .replace(/\b(?:localhost|127\.0\.0\.1):(\d+)\b/g, (_, port: string) => {
      const service = STACK_PORTS[port];
      if (!service) throw new Error(`the block calls port ${port}, which no service of the stack has`);
      return `127.0.0.1:${TEST_PORTS[service]}`;
    })
    .replace(/<(\w+)>/g, (_, name: string) => {
      if (known[name] === undefined) throw new Error(`<${name}> comes before any answer gave it`);
      return String(known[name]);
    })
    .replace(/(\/api\/seckill\/)(\d+)\b/g, (_, path: string, id: string) => path + activity(id))
    .replace(
      /\b(reconcile|rebuild) -- (\d+)\b/g,
      (_, tool: string, id: string) => `${tool} -- ${activity(id)}`,
    );
}

/** The ids a reader carries from one answer to the next command. */
function remember(known: Known, command: string, answer: ShellAnswer): void {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.stdout) as Record<string, unknown>;
  } catch {
    return;
  }
  if (/-XPOST\s+\S*\/api\/activities\b/.test(command)) known.activityId = body.id;
  for (const [key, value] of Object.entries(body)) if (/Id$/.test(key)) known[key] = value;
}

/** A GET is what a reader repeats until the answer is there (the order row is written after the 202). */
const isRead = (command: string) => /^\s*curl\b/.test(command) && !/-X\s*[A-Z]|\s-d\s/.test(command);

const title = (b: FencedBlock) => `${b.document} "${b.section}" (line ${b.line})`;

describe('the command blocks of the docs that claim an answer, run as written', () => {
  let services: ServiceProcess[];

  beforeAll(async () => {
    services = await ServiceProcess.startAll(['gateway', 'order-service', 'cancel-service']);
  });

  afterAll(async () => {
    await Promise.all((services ?? []).map((s) => s.stop()));
  });

  const blocks = DOCUMENTS.flatMap(claimingBlocks);

  it('when the docs are read, then the README\'s "A sale by hand" is among the blocks run', () => {
    expect(blocks.map(title)).toContainEqual(expect.stringMatching(/^README.md "A sale by hand"/));
  });

  it.each(blocks.map((b) => [title(b), b] as const))(
    'when the commands of %s run one after the other, then each answers what its comment claims',
    async (_, block) => {
      const session = new ShellSession();
      const known: Known = {};
      try {
        for (const step of stepsOf(block)) {
          const claim = step.claim === undefined ? undefined : parseClaim(step.claim);
          const command = fillIn(step.command, known);
          const attempt = async () => {
            const answer = await session.run(command);
            const where = `${block.document}:${step.line}: ${command}`;
            expect({ where, unmet: unmet(claim, answer, known) }).toEqual({ where, unmet: [] });
            return answer;
          };
          const answer = isRead(command)
            ? await eventually(attempt, { timeoutMs: 10_000, intervalMs: 200 })
            : await attempt();
          remember(known, command, answer);
        }
      } finally {
        session.close();
      }
    },
  );
});
