import { Injectable } from '@nestjs/common';
import { AppError, notFound } from '@app/common';
import { ActivityWindow } from '../risk/activity-windows';
import { refusalError } from '../purchase-core/refusal';
import { RiskChecks } from '../risk/risk-checks';
import { challengeFailed, challengeRequired } from './defence-errors';
import { isSolution } from './proof-of-work';
import { judgeTicket, openTicket, signTicket } from './signed-ticket';
import { TicketKeys } from './ticket-keys';

export interface Issued {
  expiresAt: string;
}
export interface Challenge extends Issued {
  challenge: string;
  bits: number;
}
export interface PurchaseToken extends Issued {
  token: string;
}
export interface Asker {
  activityId: number;
  userId: string;
  ip: string;
}

/** Issues challenges and purchase tokens (no Redis once the activity's window is cached). */
@Injectable()
export class PurchaseTickets {
  constructor(
    private readonly risk: RiskChecks,
    private readonly keys: TicketKeys,
  ) {}

  /** A challenge can be fetched (and solved) before the start; the token only from the start. */
  async challenge(a: Asker): Promise<Challenge> {
    const now = Date.now();
    const window = await this.open(a, now, false);
    const bits = window.defences?.challengeBits ?? 0;
    if (bits === 0) throw new AppError('NO_CHALLENGE', 409, 'this sale asks no challenge');
    const expiresAt = Math.min(now + this.keys.config.CHALLENGE_TTL_SECONDS * 1000, window.endsAt);
    const challenge = signTicket(this.keys.challenge, { ...a, expiresAt, extra: String(bits) });
    return { challenge, bits, expiresAt: new Date(expiresAt).toISOString() };
  }

  async token(a: Asker, proof: { challenge?: string; solution?: string }): Promise<PurchaseToken> {
    const now = Date.now();
    const window = await this.open(a, now, true);
    if (!window.defences?.token) {
      throw new AppError('NO_PURCHASE_TOKEN', 409, 'this sale needs no purchase token');
    }
    const bits = window.defences.challengeBits;
    if (bits > 0) this.checkProof(a, proof, bits, now);
    const expiresAt = Math.min(now + this.keys.config.PURCHASE_TOKEN_TTL_SECONDS * 1000, window.endsAt);
    const token = signTicket(this.keys.purchaseToken, { ...a, expiresAt, extra: '' });
    return { token, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The proof-of-work asked before a token (and before a waiting room's join); throws when it fails. */
  checkProof(a: Asker, proof: { challenge?: string; solution?: string }, bits: number, now: number) {
    if (!proof.challenge || !proof.solution) throw challengeRequired(bits);
    const ticket = openTicket(this.keys.challenge, proof.challenge);
    const verdict = judgeTicket(ticket, a.activityId, a.userId, now);
    if (verdict === 'EXPIRED') throw challengeFailed('the challenge has expired; ask for a new one');
    if (verdict !== 'OK') throw challengeFailed('the challenge was not issued to this buyer for this sale');
    if (!isSolution(proof.challenge, proof.solution, bits)) throw challengeFailed('not a solution');
    if (!this.keys.usedChallenges.use(ticket!.nonce, ticket!.expiresAt, now)) {
      throw challengeFailed('the challenge was already used; ask for a new one');
    }
  }

  private async open(a: Asker, now: number, fromStart: boolean): Promise<ActivityWindow> {
    const window = await this.risk.window(a.activityId, now, () => a.ip);
    if (window && 'reason' in window) throw refusalError(window);
    if (!window) throw notFound(`activity ${a.activityId}`);
    if (fromStart && now < window.startsAt) {
      throw new AppError('NOT_STARTED', 409, 'the sale has not started yet');
    }
    if (now >= window.endsAt) throw new AppError('ENDED', 409, 'the sale has ended');
    return window;
  }
}
