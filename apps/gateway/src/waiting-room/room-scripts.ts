import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { LuaScript, RedisClient } from '@app/redis';
import { roomKeys } from './room-keys';
import { Grant, RoomRead } from './room-view';

const joinScript = new LuaScript(join(__dirname, 'join.lua'));
const advanceScript = new LuaScript(join(__dirname, 'advance.lua'));

export interface Joined {
  arrival: number;
  preQueue: number;
  seed: number;
  fresh: boolean;
}

/** join.lua: the buyer's arrival number (the same on every join), in one round trip. */
export async function joinRoom(
  redis: RedisClient,
  activityId: number,
  userId: string,
  startsAt: number,
): Promise<Joined> {
  const k = roomKeys(activityId);
  const [arrival, preQueue, seed, fresh] = (await joinScript.run(
    redis,
    [k.room, k.places],
    [userId, startsAt, randomInt(1, 2 ** 31 - 1)],
  )) as [number, number, string, number];
  return { arrival, preQueue, seed: Number(seed), fresh: fresh === 1 };
}

export interface AdvanceRules {
  startsAt: number;
  admitPerSecond: number;
  maxAdmitted: number;
  windowMs: number;
}

/** advance.lua: admits what the rate and the caps allow, and reads the room back (batches newer than `known`). */
export async function advanceRoom(
  redis: RedisClient,
  activityId: number,
  rules: AdvanceRules,
  known: number,
): Promise<RoomRead> {
  const k = roomKeys(activityId);
  const sent = Date.now();
  const reply = (await advanceScript.run(
    redis,
    [k.room, k.admitted, k.grants, k.stock],
    [rules.startsAt, rules.admitPerSecond, rules.maxAdmitted, rules.windowMs, known],
  )) as (number | string)[];
  const received = Date.now();
  const [now, serving, preQueue, seed, remaining, joined, admitted] = reply.map(Number);
  // Redis's clock against ours, taken at the middle of the round trip.
  const offsetMs = now - (sent + received) / 2;
  const grants: Grant[] = [];
  for (let i = 7; i + 1 < reply.length; i += 2) {
    const [first, last] = String(reply[i]).split(':').map(Number);
    grants.push({ first, last, deadline: Number(reply[i + 1]) - offsetMs });
  }
  return { offsetMs, serving, preQueue, seed, remaining, joined, admitted, grants };
}

/** A buyer's purchase was accepted: the place is done and its slot goes on (ZREM, not awaited by the buyer). */
export function placeDone(redis: RedisClient, activityId: number, position: number): Promise<number> {
  return redis.zrem(roomKeys(activityId).admitted, String(position));
}
