import { Injectable } from '@nestjs/common';
import { ActivityWindow } from '../risk/activity-windows';
import { RiskChecks } from '../risk/risk-checks';
import { Refusal } from '../purchase-core/refusal';
import { AdmissionRefusal } from '../purchase-core/paper-answers';
import { RoomTickets } from './room-tickets';
import { Rooms } from './rooms';

export const ADMISSION_TOKEN_HEADER = 'admission-token';

export interface AdmittedPurchase {
  activityId: number;
  buyerId: string;
  admissionToken: string | string[] | undefined;
  idempotencyKey: string | undefined;
  /** the client's address, needed only if the activity's window is not cached yet */
  ip: () => string;
}

/** A purchase let through by its admission: the place whose slot the purchase frees once accepted. */
export interface Admitted {
  position: number;
}

const REFUSALS = Object.fromEntries(
  (['MISSING', 'USED', 'INVALID', 'OTHER_BUYER', 'OTHER_ACTIVITY', 'EXPIRED'] as const).map((admission) => [
    admission,
    Object.freeze<Refusal>({ reason: 'ADMISSION', decidedBy: 'memory', admission }),
  ]),
) as Record<AdmissionRefusal, Refusal>;

/**
 * The waiting room at the purchase: an activity with a room sells only to a buyer who brings the
 * admission token the room gave them (bound to buyer and activity, valid until the slot's deadline, used
 * once). Checked in memory with the key alone. For an activity without a room it costs one lookup in the
 * cached window (the one the purchase token check just made) and nothing else.
 */
@Injectable()
export class AdmissionTokens {
  constructor(
    private readonly risk: RiskChecks,
    private readonly tickets: RoomTickets,
    private readonly rooms: Rooms,
  ) {}

  /** undefined: no room; Admitted: let through; Refusal: refused (nothing taken). */
  check(
    p: AdmittedPurchase,
    now = Date.now(),
  ): Refusal | Admitted | undefined | Promise<Refusal | Admitted | undefined> {
    const window = this.risk.window(p.activityId, now, p.ip);
    if (!(window instanceof Promise)) return this.judge(p, window, now);
    return window.then((w) => this.judge(p, w, now));
  }

  /** The purchase was accepted: its slot goes on to the next in line. */
  done(activityId: number, admitted: Admitted): void {
    this.rooms.done(activityId, admitted.position);
  }

  private judge(p: AdmittedPurchase, window: ActivityWindow | Refusal | null, now: number) {
    if (!window || 'reason' in window || !window.room) return undefined; // the risk chain decides
    const token = p.admissionToken;
    if (typeof token !== 'string' || token === '') return REFUSALS.MISSING;
    const admission = this.tickets.readAdmission(token, p.activityId, p.buyerId, now);
    if (typeof admission === 'string') return REFUSALS[admission as AdmissionRefusal];
    const fresh = this.tickets.usedAdmissions.use(
      admission.nonce,
      admission.expiresAt,
      now,
      p.idempotencyKey ?? '',
    );
    return fresh ? { position: admission.position } : REFUSALS.USED;
  }
}
