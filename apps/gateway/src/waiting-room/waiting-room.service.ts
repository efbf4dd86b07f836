import { Injectable } from '@nestjs/common';
import { AppError, notFound } from '@app/common';
import { RedisService } from '@app/redis';
import { PurchaseTickets } from '../defences/purchase-tickets.service';
import { ActivityWindow } from '../risk/activity-windows';
import { RiskChecks } from '../risk/risk-checks';
import { SoldOutFlags } from '../risk/sold-out-flags';
import { refusalError } from '../purchase-core/refusal';
import { badTicket, noWaitingRoom, notJoined, queueReset, roomNotOpen } from './room-errors';
import { joinRoom } from './room-scripts';
import { RoomTickets } from './room-tickets';
import { PlaceAnswer, RoomView } from './room-view';
import { Rooms } from './rooms';

export interface Visitor {
  activityId: number;
  userId: string;
  ip: string;
}

/** A place in line as the buyer sees it; `admissionToken` when admitted, `ticket` on a join. */
export interface QueueAnswer extends Omit<PlaceAnswer, 'admittedUntil'> {
  ticket?: string;
  admissionToken?: string;
  admittedUntil?: string;
}

/**
 * The waiting room of an activity that has one (docs/architecture.md, "Waiting room"): a join takes one
 * place per buyer (one Redis round trip) and hands back a signed queue ticket; a poll reads the ticket
 * and answers from this gateway's copy of the room (no Redis call in the common case).
 */
@Injectable()
export class WaitingRoom {
  constructor(
    private readonly risk: RiskChecks,
    private readonly soldOut: SoldOutFlags,
    private readonly rooms: Rooms,
    private readonly tickets: RoomTickets,
    private readonly purchaseTickets: PurchaseTickets,
    private readonly redis: RedisService,
  ) {}

  async join(
    v: Visitor,
    proof: { challenge?: string; solution?: string },
  ): Promise<QueueAnswer & { fresh: boolean }> {
    const now = Date.now();
    const window = await this.open(v, now);
    const opensAt = window.startsAt - window.room!.opensBeforeSeconds * 1000;
    if (now < opensAt) throw roomNotOpen(opensAt);
    const bits = window.defences?.challengeBits ?? 0;
    if (bits > 0) this.purchaseTickets.checkProof(v, proof, bits, now);
    const joined = await joinRoom(this.redis.client, v.activityId, v.userId, window.startsAt);
    const view = await this.rooms.view(v.activityId, window);
    // The join's answer is newer than the copy: the room's seed, and the pre-queue closed at the start.
    view.seed = joined.seed;
    if (joined.preQueue >= 0 && view.preQueue < 0) view.preQueue = joined.preQueue;
    const ticket = this.tickets.queueTicket(v.activityId, v.userId, joined, window.endsAt);
    return { ...this.answer(v, window, view, joined.arrival, Date.now()), ticket, fresh: joined.fresh };
  }

  async poll(v: Visitor, ticket: string | undefined): Promise<QueueAnswer> {
    const now = Date.now();
    const window = await this.open(v, now);
    if (!ticket) throw notJoined();
    const place = this.tickets.readQueueTicket(ticket, v.activityId, v.userId, now);
    if (typeof place === 'string') throw badTicket(place as Exclude<typeof place, 'OK'>);
    let view = this.rooms.view(v.activityId, window);
    if (view instanceof Promise) view = await view;
    if (place.seed !== view.seed) await this.rooms.reread(view);
    // Another seed: the ticket is from a room Redis no longer holds (wiped); its arrival number may be
    // someone else's now, so it is refused rather than answered.
    if (place.seed !== view.seed) throw queueReset();
    return this.answer(v, window, view, place.arrival, now);
  }

  private answer(
    v: Visitor,
    window: ActivityWindow,
    view: RoomView,
    arrival: number,
    now: number,
  ): QueueAnswer {
    const { admittedUntil, ...place } = view.judge(arrival, this.soldOut.isSoldOut(v.activityId), now);
    if (place.state !== 'ADMITTED' || admittedUntil === undefined) return place;
    const expiresAt = Math.min(admittedUntil, window.endsAt);
    return {
      ...place,
      admissionToken: this.tickets.admissionToken(v.activityId, v.userId, place.position!, expiresAt),
      admittedUntil: new Date(expiresAt).toISOString(),
    };
  }

  /** The activity's window when it has an open room; else the 4xx that says why not. */
  private async open(v: Visitor, now: number): Promise<ActivityWindow> {
    const window = await this.risk.window(v.activityId, now, () => v.ip);
    if (window && 'reason' in window) throw refusalError(window);
    if (!window) throw notFound(`activity ${v.activityId}`);
    if (!window.room) throw noWaitingRoom();
    if (now >= window.endsAt) throw new AppError('ENDED', 409, 'the sale has ended');
    return window;
  }
}
