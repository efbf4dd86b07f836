/**
 * The public answers of a purchase refused for the paper it brought — the purchase token (defences/)
 * or the waiting room's admission token (waiting-room/). Here, below both, because a refusal carries them
 * (refusal.ts) and the risk checks, the defences and the room all return refusals.
 */

/** What judging a signed paper found (defences/signed-ticket.ts judges every kind of ticket). */
export type TicketVerdict = 'OK' | 'INVALID' | 'OTHER_BUYER' | 'OTHER_ACTIVITY' | 'EXPIRED';

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

/**
 * Why a purchase of a room's activity was refused for its admission: none sent, used, or the token's
 * verdict (an admission token is judged with the same verdicts as any signed paper).
 */
export type AdmissionRefusal = 'MISSING' | 'USED' | Exclude<TicketVerdict, 'OK'>;

const ADMISSION_ANSWERS: Record<AdmissionRefusal, { code: string; message: string }> = {
  MISSING: {
    code: 'ADMISSION_TOKEN_REQUIRED',
    message: 'this sale has a waiting room: join it (POST …/queue) and buy with the admission token it gives',
  },
  USED: {
    code: 'ADMISSION_TOKEN_INVALID',
    message: 'the admission token was already used; poll for a new one',
  },
  INVALID: { code: 'ADMISSION_TOKEN_INVALID', message: 'the admission token is not valid' },
  OTHER_BUYER: {
    code: 'ADMISSION_TOKEN_INVALID',
    message: 'the admission token was issued to another buyer',
  },
  OTHER_ACTIVITY: {
    code: 'ADMISSION_TOKEN_INVALID',
    message: 'the admission token was issued for another activity',
  },
  EXPIRED: {
    code: 'ADMISSION_TOKEN_EXPIRED',
    message: 'the admission has lapsed; the slot went to the next in line',
  },
};

/** The public answers of a purchase refused for its admission (docs/openapi.yaml). All 403. */
export const admissionAnswer = (r: AdmissionRefusal) => ({ status: 403, body: ADMISSION_ANSWERS[r] });
