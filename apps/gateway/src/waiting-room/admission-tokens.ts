import { Injectable } from '@nestjs/common';
import { MEMORY_REFUSALS, Purchase, Refusal } from '@app/contracts';
import { ActivityWindow } from '../risk/activity-windows';
import { AdmissionRefusal } from '../purchase-core/ticket-verdicts';
import { RoomTickets } from './room-tickets';
import { Rooms } from './rooms';

export const ADMISSION_TOKEN_HEADER = 'admission-token';

/** A purchase let through by its admission: the place whose slot the purchase frees once accepted. */
export interface Admitted {
  position: number;
}

/** Each reason's refusal (libs/contracts' table names them ADMISSION_<reason>), frozen, made once. */
const REFUSALS: Record<AdmissionRefusal, Refusal> = {
  MISSING: MEMORY_REFUSALS.ADMISSION_MISSING,
  USED: MEMORY_REFUSALS.ADMISSION_USED,
  INVALID: MEMORY_REFUSALS.ADMISSION_INVALID,
  OTHER_BUYER: MEMORY_REFUSALS.ADMISSION_OTHER_BUYER,
  OTHER_ACTIVITY: MEMORY_REFUSALS.ADMISSION_OTHER_ACTIVITY,
  EXPIRED: MEMORY_REFUSALS.ADMISSION_EXPIRED,
};

/**
 * The waiting room at the purchase: an activity with a room sells only to a buyer who brings the
 * admission token the room gave them (bound to buyer and activity, valid until the slot's deadline, used
 * once). Checked in memory with the key alone, against the activity's window the caller holds; for an
 * activity without a room it costs nothing.
 */
@Injectable()
export class AdmissionTokens {
  constructor(
    private readonly tickets: RoomTickets,
    private readonly rooms: Rooms,
  ) {}

  /** undefined: no room; Admitted: let through; Refusal: refused (nothing taken). */
  check(
    p: Purchase,
    token: string | string[] | undefined,
    window: ActivityWindow | null,
  ): Refusal | Admitted | undefined {
    if (!window?.room) return undefined; // unknown or no room: the risk chain decides
    if (typeof token !== 'string' || token === '') return REFUSALS.MISSING;
    const admission = this.tickets.readAdmission(token, p.activityId, p.userId, p.now);
    if (typeof admission === 'string') return REFUSALS[admission as AdmissionRefusal];
    const fresh = this.tickets.usedAdmissions.use(
      admission.nonce,
      admission.expiresAt,
      p.now,
      p.idempotencyKey ?? '',
    );
    return fresh ? { position: admission.position } : REFUSALS.USED;
  }

  /** The purchase was accepted: its slot goes on to the next in line. */
  done(activityId: number, admitted: Admitted): void {
    this.rooms.done(activityId, admitted.position);
  }
}
