import { setTimeout as sleep } from 'node:timers/promises';
import { onOneActivity } from './scenario';
import { eventually } from '../../test/support/eventually';
import { QueueReply } from '../../test/support/seckill-api';
import { range, seconds } from './support/narrator';
import { countOrders } from './support/orders-table';

const STOCK = 20;
const PEOPLE = 60;
const NO_SHOW_EVERY = 7; // every 7th admitted buyer never buys: their slot must go on
const STARTS_IN_MS = 3_000;
const ROOM = { opensBeforeSeconds: 600, admitPerSecond: 20, maxAdmitted: 8, admissionWindowSeconds: 5 };

interface Outcome {
  position: number;
  state: 'BOUGHT' | 'NO_SHOW' | 'SOLD_OUT' | 'EXPIRED' | 'REFUSED';
  at: number;
}

/** 排队: a waiting room in front of the sale — a fair place for everyone, SOLD_OUT told, not waited out. */
export const waitingRoom = onOneActivity({
  name: 'waiting-room',
  claim: `a waiting room: ${PEOPLE} people for ${STOCK} items get shuffled places, admission at a rate, SOLD_OUT in time`,
  activity: () => ({
    name: 'waiting room',
    stock: STOCK,
    startsAt: new Date(Date.now() + STARTS_IN_MS),
    waitingRoom: ROOM,
  }),
  async run({ api, db, redis, out }, activityId, { startsAt }) {
    out.say(
      `activity ${activityId}: ${STOCK} items from ${startsAt.toISOString()}; room opens ${ROOM.opensBeforeSeconds} s before, ` +
        `admits ${ROOM.admitPerSecond}/s, at most ${ROOM.maxAdmitted} admitted at once, ${ROOM.admissionWindowSeconds} s to buy`,
    );
    const people = range(PEOPLE).map((i) => `person-${activityId}-${i}`);

    // A script that joins 20 times at once holds one place, like everyone else.
    const bot = `bot-${activityId}`;
    const botJoins = await Promise.all(range(20).map(() => api.joinQueue(activityId, bot)));
    out.check(
      botJoins.filter((r) => r.status === 201).length === 1 && botJoins.every((r) => r.status < 300),
      `a script joining 20 times at once: one 201 (its place), ${botJoins.filter((r) => r.status === 200).length} × 200 (the same place)`,
    );
    const tickets = new Map<string, string>();
    for (const p of people) tickets.set(p, (await api.joinQueue(activityId, p)).body.ticket!);
    out.say(`${PEOPLE} people joined before the start, one after another (arrival order = index)`);
    const early = await api.purchase(activityId, people[0]);
    out.check(
      early.body.code === 'ADMISSION_TOKEN_REQUIRED',
      `a purchase that skips the room: ${early.status} ${early.body.code}`,
    );

    await eventually('the sale to start', () => Date.now() >= startsAt.getTime() + 100, {
      timeoutMs: 10_000,
    });
    const places = await eventually('the pre-queue to be drawn', async () => {
      const polls = await Promise.all(people.map((p) => api.pollQueue(activityId, p, tickets.get(p)!)));
      const positions = polls.map((r) => r.body.position);
      return positions.every((n) => typeof n === 'number') ? (positions as number[]) : false;
    });
    // The script joined first: the pre-queue holds it and the 60 people, arrivals 1…61.
    out.check(
      new Set(places).size === PEOPLE && places.every((n) => n >= 1 && n <= PEOPLE + 1),
      `the pre-queue drew ${new Set(places).size} distinct places for ${PEOPLE} people (and the script)`,
    );
    out.say(`the first ${PEOPLE / 10} to arrive drew places ${places.slice(0, PEOPLE / 10).join(', ')}`);
    out.check(
      places.filter((n, i) => n === i + 2).length < PEOPLE / 10,
      'the places are not the arrival order: joining early gave no edge',
    );

    const outcomes = await Promise.all(people.map((p) => visit(p)));
    const soldOutAt = Math.max(...outcomes.filter((o) => o.state === 'BOUGHT').map((o) => o.at));
    const bought = outcomes.filter((o) => o.state === 'BOUGHT');
    const told = outcomes.filter((o) => o.state === 'SOLD_OUT');
    const noShows = outcomes.filter((o) => o.state === 'NO_SHOW');
    out.say(
      `${bought.length} bought, ${noShows.length} admitted but never bought (no-shows), ${told.length} told SOLD_OUT, ` +
        `${outcomes.filter((o) => o.state === 'EXPIRED' || o.state === 'REFUSED').length} other`,
    );
    out.check(
      bought.length === STOCK,
      `exactly the stock (${STOCK}) sold, each to a buyer the room admitted`,
    );
    const firstNoShow = Math.min(...noShows.map((o) => o.position));
    const admittedNow = () => redis.zcard(`seckill:{${activityId}}:room:admitted`);
    await eventually('the no-shows to lapse', async () => (await admittedNow()) === 0, { timeoutMs: 15_000 });
    out.check(
      noShows.length > 0 && bought.some((o) => o.position > firstNoShow),
      `the no-shows' slots went on: ${bought.filter((o) => o.position > firstNoShow).length} buyers behind the first no-show (place ${firstNoShow}) bought; no slot is held now`,
    );
    const lag = Math.max(0, ...told.map((o) => o.at - soldOutAt));
    out.check(
      told.length > 0 && told.every((o) => o.at - soldOutAt <= 5_000 + 500),
      `every buyer still waiting was told SOLD_OUT within one poll interval (≤ 5 s) of the last unit: latest after ${seconds(lag)}`,
    );
    const positions = bought.map((o) => o.position).sort((a, b) => a - b);
    out.say(`the buyers' places: ${positions.join(', ')}`);

    await eventually(`${STOCK} order rows`, async () => (await countOrders(db, activityId)) === STOCK);

    async function visit(person: string): Promise<Outcome> {
      const ticket = tickets.get(person)!;
      const deadline = Date.now() + 60_000;
      let seen = 0;
      while (Date.now() < deadline) {
        const { body } = await api.pollQueue(activityId, person, ticket);
        const position = body.position ?? 0;
        if (body.state === 'SOLD_OUT') return { position, state: 'SOLD_OUT', at: Date.now() };
        if (body.state === 'EXPIRED') return { position, state: 'EXPIRED', at: Date.now() };
        if (body.state === 'ADMITTED') {
          if (position % NO_SHOW_EVERY === 0) return { position, state: 'NO_SHOW', at: Date.now() };
          const reply = await api.purchase(activityId, person, api.gateway, {
            'admission-token': body.admissionToken!,
          });
          return { position, state: reply.status === 202 ? 'BOUGHT' : 'REFUSED', at: Date.now() };
        }
        seen++;
        await sleep(pollAfter(body) * 1000);
      }
      throw new Error(`${person} neither admitted nor told SOLD_OUT within 60 s (${seen} polls)`);
    }
  },
});

const pollAfter = (body: QueueReply) => Math.max(0.2, Math.min(body.pollAfterSeconds ?? 1, 5));
