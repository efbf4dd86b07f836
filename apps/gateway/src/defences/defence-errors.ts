import { AppError } from '@app/common';

/** The errors of the bot defences' own routes (the purchase's token refusals: libs/contracts/src/refusals.ts). */
export const challengeRequired = (bits: number) =>
  new AppError(
    'CHALLENGE_REQUIRED',
    403,
    `this sale asks a proof-of-work of ${bits} bits before a purchase token (POST …/challenge first)`,
  );

export const challengeFailed = (why: string) => new AppError('CHALLENGE_FAILED', 403, why);
