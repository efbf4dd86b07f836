import { setTimeout as sleep } from 'node:timers/promises';
import { SeckillApi } from '../../test/support/seckill-api';

/** One crowd of a fairness run: people, and bots that each work over many connections. */
export interface CrowdShape {
  people: number;
  bots: number;
  connectionsPerBot: number;
  items: number;
  /** the room's rate and cap (ignored without a room) */
  admitPerSecond: number;
  maxAdmitted: number;
}

export interface CrowdOutcome {
  sold: number;
  botItems: number;
  /** people (not bots) by join order, a tenth each: the share of them who bought */
  winRateByJoinDecile: number[];
  durationS: number;
}

/** One crowd's run: against which gateway and activity, in which shape, from when (epoch ms). */
export interface CrowdRun {
  api: SeckillApi;
  activityId: number;
  shape: CrowdShape;
  startsAt: number;
}

const crowdOf = (activityId: number, shape: CrowdShape) => ({
  people: names('person', activityId, shape.people),
  bots: names('bot', activityId, shape.bots),
});

const HUMAN_MS = [300, 1_500]; // a person's reaction, from the answer that lets them buy to the click
const humanDelay = () => HUMAN_MS[0] + Math.random() * (HUMAN_MS[1] - HUMAN_MS[0]);
const DEADLINE_MS = 120_000;

/**
 * The crowd against an activity with a waiting room: everyone joins before the start (people once, in
 * order; bots over every connection at once), then people poll as told (`pollAfterSeconds`) and buy with a
 * human delay once admitted; bots poll on every connection as fast as answered and buy at once.
 */
export async function crowdWithRoom({ api, activityId, shape, startsAt }: CrowdRun) {
  const { people, bots } = crowdOf(activityId, shape);
  const tickets = new Map<string, string>();
  await inBatches(people, 100, async (p) =>
    tickets.set(p, (await api.joinQueue(activityId, p)).body.ticket!),
  );
  await Promise.all(
    bots.map(async (b) => {
      const joins = await Promise.all(range(shape.connectionsPerBot).map(() => api.joinQueue(activityId, b)));
      tickets.set(b, joins[0].body.ticket!);
    }),
  );
  while (Date.now() < startsAt) await sleep(Math.min(100, startsAt - Date.now()));
  const started = Date.now();
  const won = new Set<string>();
  const personRun = async (p: string) => {
    while (Date.now() - started < DEADLINE_MS) {
      const { body } = await api.pollQueue(activityId, p, tickets.get(p)!);
      if (body.state === 'SOLD_OUT' || body.state === 'EXPIRED') return;
      if (body.state === 'ADMITTED') {
        await sleep(humanDelay());
        const bought = await api.purchase(activityId, p, api.gateway, {
          'admission-token': body.admissionToken!,
        });
        if (bought.status === 202) won.add(p);
        return;
      }
      await sleep((body.pollAfterSeconds ?? 1) * 1000);
    }
  };
  const botRun = async (b: string) => {
    let done = false;
    await Promise.all(
      range(shape.connectionsPerBot).map(async () => {
        while (!done && Date.now() - started < DEADLINE_MS) {
          const { body } = await api.pollQueue(activityId, b, tickets.get(b)!);
          if (body.state === 'SOLD_OUT' || body.state === 'EXPIRED') return void (done = true);
          if (body.state !== 'ADMITTED') continue;
          const bought = await api.purchase(activityId, b, api.gateway, {
            'admission-token': body.admissionToken!,
          });
          if (bought.status === 202) won.add(b);
          if (bought.status !== 403) done = true; // 403: a token another connection already used
        }
      }),
    );
  };
  await Promise.all([...people.map(personRun), ...bots.map(botRun)]);
  return outcome(people, bots, won, started);
}

/**
 * The same crowd against the plain sale: at the start, each person sends one purchase after a human delay
 * (retrying on 429 as told); each bot fires over every connection as fast as answered until it holds one.
 */
export async function crowdWithoutRoom({ api, activityId, shape, startsAt }: CrowdRun) {
  const { people, bots } = crowdOf(activityId, shape);
  while (Date.now() < startsAt) await sleep(Math.min(100, startsAt - Date.now()));
  const started = Date.now();
  const won = new Set<string>();
  const personRun = async (p: string) => {
    await sleep(humanDelay());
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await api.purchase(activityId, p);
      if (r.status === 202) won.add(p);
      if (r.status !== 429) return;
      await sleep(500);
    }
  };
  const botRun = async (b: string) => {
    let done = false;
    await Promise.all(
      range(shape.connectionsPerBot).map(async () => {
        while (!done && Date.now() - started < DEADLINE_MS) {
          const r = await api.purchase(activityId, b);
          if (r.status === 202) won.add(b);
          if (r.status !== 429 && r.status !== 503) done = true;
        }
      }),
    );
  };
  await Promise.all([...people.map(personRun), ...bots.map(botRun)]);
  return outcome(people, bots, won, started);
}

function outcome(people: string[], bots: string[], won: Set<string>, started: number): CrowdOutcome {
  const decile = people.length / 10;
  return {
    sold: won.size,
    botItems: bots.filter((b) => won.has(b)).length,
    winRateByJoinDecile: range(10).map((d) => {
      const group = people.slice(Math.round(d * decile), Math.round((d + 1) * decile));
      return Number((group.filter((p) => won.has(p)).length / group.length).toFixed(3));
    }),
    durationS: Number(((Date.now() - started) / 1000).toFixed(1)),
  };
}

const names = (kind: string, activityId: number, n: number) =>
  range(n).map((i) => `${kind}-${activityId}-${i}`);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function inBatches<T>(items: T[], size: number, each: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}
