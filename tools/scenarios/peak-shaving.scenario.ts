import { ScenarioContext, onOneActivity } from './scenario';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseHold } from './support/database-hold';
import { range, seconds } from './support/narrator';
import { countOrders } from './support/orders-table';
import { metricValue } from '../../test/support/metric-value';
import { Sample, timeline } from './support/timeline';

const BUYERS = 2_000;
const SAMPLE_EVERY_MS = 100;
const ROWS_TIMEOUT_MS = 60_000;

interface Tick {
  atMs: number;
  admitted: number;
  rows: number;
  inserts: number;
  held: boolean;
}

/**
 * 削峰 + 异步: the gateway admits the burst without waiting for PostgreSQL; Kafka holds the backlog; the
 * order-service drains it at its own pace, in big multi-row INSERTs. On one small machine PostgreSQL
 * outruns a single gateway, so for the first seconds of the burst the activity's order INSERTs are held
 * (DatabaseHold), as a saturated database would hold them.
 */
export const peakShaving = onOneActivity({
  name: 'peak-shaving',
  claim: `a burst of ${BUYERS} buyers for ${BUYERS} items: admitted at once, written later in few INSERTs`,
  activity: { stock: BUYERS },
  async run(ctx, activityId) {
    const { api, config, db } = ctx;
    // Released before the order-service's recovery would take the waiting reservations for orphans.
    const holdMs = Math.max(1_000, config.RESERVATION_RECOVERY_AFTER_MS - 1_000);
    const buyers = range(BUYERS).map((i) => `burst-${activityId}-${i}`);
    api.signIn(buyers);
    const inserts = async () =>
      metricValue(await api.metrics(api.orderService), 'order_request_batch_seconds_count');
    const insertsBefore = await inserts();

    const hold = await DatabaseHold.start(db, activityId);
    const started = Date.now();
    const answers = new Map<string, number>();
    let [answered, admitted, lastAdmissionMs] = [0, 0, 0];
    const burst = Promise.all(
      buyers.map(async (buyer) => {
        const { status, body } = await api.purchase(activityId, buyer);
        const key = status === 202 ? '202' : `${status} ${body.code}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        answered += 1;
        if (status !== 202) return;
        admitted += 1;
        lastAdmissionMs = Date.now() - started;
      }),
    );
    const ticks: Tick[] = [];
    try {
      while (Date.now() - started < ROWS_TIMEOUT_MS) {
        const at = Date.now();
        const held = ticks.length === 0 || ticks[ticks.length - 1].held;
        if (held && (answered === BUYERS || at - started >= holdMs)) await hold.release();
        const [rows, done] = await Promise.all([countOrders(db, activityId), inserts()]);
        ticks.push({
          atMs: at - started,
          admitted,
          rows,
          inserts: done - insertsBefore,
          held: held && !hold.released,
        });
        if (rows >= BUYERS) break;
        await sleep(SAMPLE_EVERY_MS - (Date.now() - at));
      }
    } finally {
      await hold.release();
    }
    await burst;
    report(ctx, ticks, answers, lastAdmissionMs);
  },
});

function report(
  { out }: ScenarioContext,
  ticks: Tick[],
  answers: Map<string, number>,
  lastAdmissionMs: number,
) {
  const duringHold = ticks.filter((t) => t.held);
  const released = ticks[duringHold.length] ?? ticks[ticks.length - 1];
  const backlog = duringHold[duringHold.length - 1]?.admitted ?? 0;
  // The first tick by which the backlog was written: how many INSERTs that took (at most).
  const drained = ticks.find((t) => !t.held && t.rows >= backlog);
  const last = ticks[ticks.length - 1];
  const samples: Sample[] = ticks.map((t) => ({
    atMs: t.atMs,
    values: [t.admitted, t.rows, t.held ? BUYERS : 0],
  }));

  out.say(
    `PostgreSQL held for the first ${seconds(released.atMs)} ` +
      '(activity row locked FOR UPDATE: its order INSERTs wait, as on a saturated database)',
  );
  for (const line of timeline(samples, ['admitted', 'orders', 'pg held'], BUYERS)) out.say(line);
  out.say(`answers: ${[...answers].map(([k, n]) => `${n} × ${k}`).join(', ')}`);
  if (answers.has('429 RATE_LIMITED'))
    out.say('note: the gateway rate-limited part of the burst (RATE_LIMITED)');
  out.say(
    `${backlog} admitted while PostgreSQL wrote ${duringHold[duringHold.length - 1]?.rows ?? 0}; that backlog was ` +
      `written ${drained ? seconds(drained.atMs - released.atMs) : 'never'} after the release, in ≤ ${drained?.inserts ?? '?'} INSERTs`,
  );
  out.say(
    `all admitted by ${seconds(lastAdmissionMs)}, all rows by ${seconds(last.atMs)}: ` +
      `${last.rows} orders in ${last.inserts} INSERT statements (${(last.rows / Math.max(1, last.inserts)).toFixed(0)} per INSERT; ` +
      'once caught up, each INSERT takes what arrived since the last)',
  );
  out.check(
    answers.get('202') === BUYERS,
    `every buyer admitted with 202 (${answers.get('202') ?? 0}/${BUYERS})`,
  );
  out.check(
    backlog > 0 && duringHold.every((t) => t.rows === 0),
    `admissions did not wait for PostgreSQL (${backlog} admitted, no row written meanwhile)`,
  );
  out.check(
    last.rows === BUYERS && drained !== undefined,
    'the rows caught up later: Kafka absorbed the burst',
  );
  out.check(
    drained !== undefined && drained.inserts * 10 <= backlog,
    `far fewer INSERTs than orders: a backlog of ${backlog} in ≤ ${drained?.inserts ?? '?'} INSERTs`,
  );
}
