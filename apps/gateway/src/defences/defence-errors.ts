import { AppError } from '@app/http';
import { TicketVerdict } from './signed-ticket';

/** The public answers of the bot defences (see docs/openapi.yaml). All 403: retrying the same is useless. */
export const tokenRequired = () =>
  new AppError('PURCHASE_TOKEN_REQUIRED', 403, 'this sale needs a purchase token (POST …/token first)');

const TOKEN_MESSAGES: Record<Exclude<TicketVerdict, 'OK'>, string> = {
  INVALID: 'the purchase token is not valid',
  OTHER_BUYER: 'the purchase token was issued to another buyer',
  OTHER_ACTIVITY: 'the purchase token was issued for another activity',
  EXPIRED: 'the purchase token has expired; ask for a new one',
};

export const tokenRefused = (verdict: Exclude<TicketVerdict, 'OK'>) =>
  new AppError(
    verdict === 'EXPIRED' ? 'PURCHASE_TOKEN_EXPIRED' : 'PURCHASE_TOKEN_INVALID',
    403,
    TOKEN_MESSAGES[verdict],
  );

export const tokenUsed = () =>
  new AppError('PURCHASE_TOKEN_INVALID', 403, 'the purchase token was already used; ask for a new one');

export const challengeRequired = (bits: number) =>
  new AppError(
    'CHALLENGE_REQUIRED',
    403,
    `this sale asks a proof-of-work of ${bits} bits before a purchase token (POST …/challenge first)`,
  );

export const challengeFailed = (why: string) => new AppError('CHALLENGE_FAILED', 403, why);
