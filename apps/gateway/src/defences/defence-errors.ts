import { AppError } from '@app/common';
import { TicketVerdict } from './signed-ticket';

/** Why a purchase token was refused: none sent, used before, or what judging the ticket found. */
export type TokenVerdict = 'MISSING' | 'USED' | Exclude<TicketVerdict, 'OK'>;

const TOKEN_ANSWERS: Record<TokenVerdict, { code: string; message: string }> = {
  MISSING: {
    code: 'PURCHASE_TOKEN_REQUIRED',
    message: 'this sale needs a purchase token (POST …/token first)',
  },
  USED: { code: 'PURCHASE_TOKEN_INVALID', message: 'the purchase token was already used; ask for a new one' },
  INVALID: { code: 'PURCHASE_TOKEN_INVALID', message: 'the purchase token is not valid' },
  OTHER_BUYER: { code: 'PURCHASE_TOKEN_INVALID', message: 'the purchase token was issued to another buyer' },
  OTHER_ACTIVITY: {
    code: 'PURCHASE_TOKEN_INVALID',
    message: 'the purchase token was issued for another activity',
  },
  EXPIRED: { code: 'PURCHASE_TOKEN_EXPIRED', message: 'the purchase token has expired; ask for a new one' },
};

/** The public answers of the bot defences (see docs/openapi.yaml). All 403: retrying the same is useless. */
export const tokenAnswer = (verdict: TokenVerdict) => ({ status: 403, body: TOKEN_ANSWERS[verdict] });

export const challengeRequired = (bits: number) =>
  new AppError(
    'CHALLENGE_REQUIRED',
    403,
    `this sale asks a proof-of-work of ${bits} bits before a purchase token (POST …/challenge first)`,
  );

export const challengeFailed = (why: string) => new AppError('CHALLENGE_FAILED', 403, why);
