import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { SeckillApi } from '../../test/support/seckill-api';
import { joinRoom } from '../../apps/gateway/src/waiting-room/room-scripts';
import { RoomTickets } from '../../apps/gateway/src/waiting-room/room-tickets';
import { CrowdShape, crowdWithRoom, crowdWithoutRoom } from './room-crowd';
import { cpuMs } from './proc-stat';
import { round } from './stats';

export interface RoomBenchShape extends CrowdShape {
  /** places filled for the memory and poll-rate figure (straight through join.lua) */
  waiting: number;
  /** requests of each kind timed for the CPU per poll and per refusal */
  costRequests: number;
}

export interface RoomBench {
  shape: RoomBenchShape;
  botShareOfPeople: number;
  botShareOfItems: number;
  botShareWithoutRoom: number;
  winRateByJoinDecile: number[];
  withRoom: { sold: number; botItems: number; durationS: number };
  withoutRoom: { sold: number; botItems: number; durationS: number; winRateByJoinDecile: number[] };
  pollCpuUs: number;
  refusalCpuUs: number;
  redisCommandsPerPoll: number;
  waiting100k: { waiting: number; redisMiB: number; pollsPerSecond: number };
}

const PRE_QUEUE_S = 8;
const CONCURRENCY = 64;

/**
 * The waiting room's figures (docs/benchmarks.md): the same crowd of people and bots through a room and
 * through the plain sale (the bots' share of items), the win rate of the pre-queue by join decile, the
 * gateway's CPU per poll against per sold-out refusal, Redis commands per poll, and a room of many waiting.
 */
export async function runWaitingRoom(
  config: AppConfig,
  gateway: string,
  gatewayPid: number,
  shape: RoomBenchShape,
) {
  const api = new SeckillApi(config, { gateway });
  const redis = new Redis(config.REDIS_URL);
  try {
    const room = {
      opensBeforeSeconds: 600,
      admitPerSecond: shape.admitPerSecond,
      maxAdmitted: shape.maxAdmitted,
      admissionWindowSeconds: 30,
    };
    const startsIn = () => new Date(Date.now() + PRE_QUEUE_S * 1000);
    let startsAt = startsIn();
    const roomed = await api.createActivity({
      name: 'bench room',
      stock: shape.items,
      startsAt,
      waitingRoom: room,
    });
    console.log(
      `bench: waiting room: ${shape.people} people + ${shape.bots} bots × ${shape.connectionsPerBot} connections for ${shape.items} items`,
    );
    const withRoom = await crowdWithRoom({ api, activityId: roomed, shape, startsAt: startsAt.getTime() });
    startsAt = startsIn();
    const plain = await api.createActivity({ name: 'bench no room', stock: shape.items, startsAt });
    const withoutRoom = await crowdWithoutRoom({
      api,
      activityId: plain,
      shape,
      startsAt: startsAt.getTime(),
    });

    console.log('bench: waiting room: CPU per poll and per refusal');
    const { ticket } = (await api.joinQueue(roomed, 'bench-poller')).body;
    const polls = await measure(gatewayPid, redis, shape.costRequests, () =>
      api.pollQueue(roomed, 'bench-poller', ticket!),
    );
    const refusals = await measure(gatewayPid, redis, shape.costRequests, () =>
      api.purchase(plain, 'bench-refused'),
    );

    console.log(`bench: waiting room: ${shape.waiting} waiting`);
    const waiting100k = await manyWaiting(config, api, redis, shape.waiting);
    const share = (n: number, of: number) => round(of > 0 ? n / of : 0, 3);
    return {
      shape,
      botShareOfPeople: share(shape.bots, shape.bots + shape.people),
      botShareOfItems: share(withRoom.botItems, withRoom.sold),
      botShareWithoutRoom: share(withoutRoom.botItems, withoutRoom.sold),
      winRateByJoinDecile: withRoom.winRateByJoinDecile,
      withRoom: { sold: withRoom.sold, botItems: withRoom.botItems, durationS: withRoom.durationS },
      withoutRoom,
      pollCpuUs: polls.cpuUs,
      refusalCpuUs: refusals.cpuUs,
      redisCommandsPerPoll: polls.redisCommands,
      waiting100k,
    } satisfies RoomBench;
  } finally {
    api.close();
    redis.disconnect();
  }
}

/**
 * `n` requests over CONCURRENCY connections: the gateway's CPU (µs) and the Redis commands, each per request.
 * The commands the stack runs anyway (the services' periodic reads and the rooms' ticks, which do not grow
 * with the polls) are measured over an idle second first and taken off.
 */
async function measure(pid: number, redis: Redis, n: number, send: () => Promise<unknown>) {
  const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))![1]);
  const idle0 = [performance.now(), await commands()];
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const idle1 = [performance.now(), await commands()];
  const backgroundPerMs = (idle1[1] - idle0[1] - 1) / (idle1[0] - idle0[0]);
  let left = n;
  const [cpu0, cmd0, t0] = [cpuMs(pid)!, await commands(), performance.now()];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await send();
    }),
  );
  const [cpu1, cmd1, t1] = [cpuMs(pid)!, await commands(), performance.now()];
  const ours = cmd1 - cmd0 - 1 - backgroundPerMs * (t1 - t0);
  return { cpuUs: round(((cpu1 - cpu0) * 1000) / n, 1), redisCommands: round(Math.max(0, ours) / n, 4) };
}

/** A room with `n` places (filled through join.lua, as joins would): Redis memory, and polls per second. */
async function manyWaiting(config: AppConfig, api: SeckillApi, redis: Redis, n: number) {
  const id = await api.createActivity({
    name: 'bench many waiting',
    stock: 10,
    waitingRoom: { admitPerSecond: 1, maxAdmitted: 1 },
  });
  const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  const before = await used();
  let seed = 0;
  for (let i = 0; i < n; i += 5_000) {
    const joins = await Promise.all(
      Array.from({ length: Math.min(5_000, n - i) }, (_, k) =>
        joinRoom(redis, id, `waiting-${id}-${i + k}`, 0),
      ),
    );
    seed = joins[0].seed;
  }
  const redisMiB = round((await used()) - before) / 1024 / 1024;
  const tickets = new RoomTickets(config);
  const expiresAt = Date.now() + 3_600_000;
  const pollOne = () => {
    const arrival = 1 + Math.floor(Math.random() * n);
    const user = `waiting-${id}-${arrival - 1}`;
    return api.pollQueue(id, user, tickets.queueTicket(id, user, { arrival, seed }, expiresAt));
  };
  let done = 0;
  const until = Date.now() + 5_000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        await pollOne();
        done++;
      }
    }),
  );
  return { waiting: n, redisMiB: round(redisMiB, 1), pollsPerSecond: Math.round(done / 5) };
}
