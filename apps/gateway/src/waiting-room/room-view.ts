import { WaitingRoomRules } from '@app/contracts';
import { placeOf } from './pre-queue';

/** One admission batch: places first…last, admitted until deadline (this gateway's clock). */
export interface Grant {
  first: number;
  last: number;
  deadline: number;
}

/** What the advance script answered, in this gateway's terms (deadlines moved onto its clock). */
export interface RoomRead {
  /** Redis's clock minus this gateway's, as of the read */
  offsetMs: number;
  serving: number;
  /** arrivals in the pre-queue; -1 while the sale has not started */
  preQueue: number;
  seed: number;
  /** units left (-1: Redis has no stock for it) */
  remaining: number;
  joined: number;
  admitted: number;
  grants: Grant[];
}

export type PlaceState = 'WAITING' | 'ADMITTED' | 'SOLD_OUT' | 'EXPIRED';

export interface PlaceAnswer {
  state: PlaceState;
  /** 1-based; null for a pre-queue place before the start (its place is drawn at the start) */
  position: number | null;
  etaSeconds: number;
  pollAfterSeconds: number;
  remainingStock: number;
  /** ADMITTED: until when its admission holds (this gateway's clock, epoch ms) */
  admittedUntil?: number;
}

const MIN_POLL_S = 1;
const MAX_POLL_S = 5;

/**
 * A gateway's copy of one waiting room: the "now serving" number, the pre-queue's size and seed, the
 * live admission batches. Refreshed by the periodic advance (every WAITING_ROOM_TICK_MS); a poll is
 * judged against it in memory, from the arrival number its signed ticket carries.
 */
export class RoomView {
  serving = 0;
  preQueue = -1;
  seed = 0;
  remaining = -1;
  joined = 0;
  admitted = 0;
  offsetMs = 0;
  /** ordered by last place; only those not yet lapsed */
  grants: Grant[] = [];
  /** when this copy was last read from Redis (this gateway's clock) */
  readAt = 0;
  /** admissions per second, as seen over the last reads (the dashboard's rate) */
  admitRate = 0;
  private lastRead?: { at: number; serving: number };

  constructor(
    readonly activityId: number,
    public startsAt: number,
    public endsAt: number,
    readonly rules: WaitingRoomRules,
  ) {}

  get lastGrant(): number {
    return this.grants.length > 0 ? this.grants[this.grants.length - 1].last : 0;
  }

  apply(read: RoomRead, now: number): void {
    if (this.lastRead && now > this.lastRead.at) {
      const rate = ((read.serving - this.lastRead.serving) * 1000) / (now - this.lastRead.at);
      this.admitRate = this.admitRate * 0.8 + Math.max(0, rate) * 0.2;
    }
    this.lastRead = { at: now, serving: read.serving };
    this.readAt = now;
    Object.assign(this, {
      serving: Math.max(this.serving, read.serving),
      preQueue: read.preQueue,
      seed: read.seed,
      remaining: read.remaining,
      joined: read.joined,
      admitted: read.admitted,
      offsetMs: read.offsetMs,
    });
    const known = this.lastGrant;
    this.grants.push(...read.grants.filter((g) => g.last > known));
    this.grants = this.grants.filter((g) => g.deadline > now);
  }

  /** What a place is now, judged in memory: the sold-out flag first, then waiting, admitted or lapsed. */
  judge(arrival: number, soldOut: boolean, now: number): PlaceAnswer {
    const position = this.preQueue < 0 ? null : placeOf(arrival, this.preQueue, this.seed);
    const remainingStock = soldOut ? 0 : Math.max(0, this.remaining);
    const rate = this.rules.admitPerSecond;
    if (soldOut) {
      return { state: 'SOLD_OUT', position, etaSeconds: 0, pollAfterSeconds: MAX_POLL_S, remainingStock };
    }
    if (position === null) {
      // Before the start: nobody is ahead yet; the place is drawn when the sale starts.
      const untilStart = Math.max(0, Math.ceil((this.startsAt - now) / 1000));
      const pollAfter = untilStart > MAX_POLL_S ? MAX_POLL_S : MIN_POLL_S;
      return {
        state: 'WAITING',
        position,
        etaSeconds: untilStart,
        pollAfterSeconds: pollAfter,
        remainingStock,
      };
    }
    if (position > this.serving) {
      const etaSeconds = Math.ceil((position - this.serving) / rate);
      const pollAfterSeconds = Math.min(MAX_POLL_S, Math.max(MIN_POLL_S, Math.ceil(etaSeconds / 4)));
      return { state: 'WAITING', position, etaSeconds, pollAfterSeconds, remainingStock };
    }
    const grant = this.grants.find((g) => g.first <= position && position <= g.last);
    if (!grant || grant.deadline <= now) {
      return { state: 'EXPIRED', position, etaSeconds: 0, pollAfterSeconds: MAX_POLL_S, remainingStock };
    }
    const answer: PlaceAnswer = {
      state: 'ADMITTED',
      position,
      etaSeconds: 0,
      pollAfterSeconds: MIN_POLL_S,
      remainingStock,
    };
    answer.admittedUntil = grant.deadline;
    return answer;
  }
}
