import { AppError } from '@app/common';
import { TicketVerdict } from './signed-ticket';

/** Why a purchase token was refused: none sent, used before, or what judging the ticket found (the refusal
 * table, libs/contracts, names each PURCHASE_TOKEN_<verdict>). */
export type TokenVerdict = 'MISSING' | 'USED' | Exclude<TicketVerdict, 'OK'>;

export const challengeRequired = (bits: number) =>
  new AppError(
    'CHALLENGE_REQUIRED',
    403,
    `this sale asks a proof-of-work of ${bits} bits before a purchase token (POST …/challenge first)`,
  );

export const challengeFailed = (why: string) => new AppError('CHALLENGE_FAILED', 403, why);
