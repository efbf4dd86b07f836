import { Inject, Injectable } from '@nestjs/common';
import { KeyObject, createSecretKey, randomBytes } from 'node:crypto';
import { signHs256, verifyHs256 } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Ticket, judgeTicket, openTicket, signTicket, ticketKey } from '../defences/signed-ticket';
import { TicketVerdict } from '../purchase-core/ticket-verdicts';
import { UsedTickets } from '../defences/used-tickets';

/** What an admission token carries, once its signature and lifetime hold. */
export interface Admission {
  activityId: number;
  userId: string;
  position: number;
  /** epoch ms */
  expiresAt: number;
  nonce: string;
}

/** A place in line as a queue ticket carries it: the arrival number in the room whose seed it names. */
export interface Place {
  arrival: number;
  seed: number;
}

export type AdmissionVerdict = 'OK' | 'INVALID' | 'OTHER_BUYER' | 'OTHER_ACTIVITY' | 'EXPIRED';

/**
 * The room's two signed papers, each with its own key derived from JWT_SECRET (every gateway checks what
 * another issued, and neither passes for the other or for a purchase token):
 * - the queue ticket: the buyer's arrival number, bound to buyer and activity, valid until the sale ends —
 *   a poll is judged from it without Redis, and it survives any gateway's restart;
 * - the admission token: an HS256 JWT (sub: buyer, act: activity, pos: place, exp: the slot's deadline,
 *   jti), which the purchase requires; each is usable once (the same Idempotency-Key excepted).
 */
@Injectable()
export class RoomTickets {
  private readonly queueKey: Buffer;
  private readonly admissionKey: KeyObject;
  readonly usedAdmissions = new UsedTickets();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.queueKey = ticketKey(config.JWT_SECRET, 'queue-ticket');
    this.admissionKey = createSecretKey(ticketKey(config.JWT_SECRET, 'admission-token'));
  }

  /** `seed`: the room's, which names this room's life (a Redis wipe starts another, with another seed). */
  queueTicket(activityId: number, userId: string, place: Place, expiresAt: number): string {
    const extra = `${place.arrival}:${place.seed}`;
    return signTicket(this.queueKey, { activityId, userId, expiresAt, extra });
  }

  /** The place the ticket names, or why it is refused. */
  readQueueTicket(ticket: string, activityId: number, userId: string, now: number): Place | TicketVerdict {
    const opened: Ticket | null = openTicket(this.queueKey, ticket);
    const verdict = judgeTicket(opened, activityId, userId, now);
    if (verdict !== 'OK') return verdict;
    const [arrival, seed] = opened!.extra.split(':').map(Number);
    return Number.isSafeInteger(arrival) && arrival > 0 && seed > 0 ? { arrival, seed } : 'INVALID';
  }

  admissionToken(activityId: number, userId: string, position: number, expiresAt: number): string {
    const claims = { sub: userId, act: activityId, pos: position, exp: Math.floor(expiresAt / 1000) };
    return signHs256({ ...claims, jti: randomBytes(12).toString('base64url') }, this.admissionKey);
  }

  readAdmission(
    token: string,
    activityId: number,
    userId: string,
    now: number,
  ): Admission | AdmissionVerdict {
    if (token.length > 1_024) return 'INVALID';
    const claims = verifyHs256(token, this.admissionKey, now / 1000);
    if (claims === 'expired') return 'EXPIRED';
    if (typeof claims === 'string') return 'INVALID';
    const { sub, act, pos, exp, jti } = claims;
    if (
      typeof sub !== 'string' ||
      typeof act !== 'number' ||
      typeof pos !== 'number' ||
      typeof jti !== 'string'
    )
      return 'INVALID';
    if (act !== activityId) return 'OTHER_ACTIVITY';
    if (sub !== userId) return 'OTHER_BUYER';
    return { activityId: act, userId: sub, position: pos, expiresAt: (exp as number) * 1000, nonce: jti };
  }
}
