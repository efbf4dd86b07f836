/**
 * What judging a signed paper found, and why a purchase was refused for the paper it brought — the
 * purchase token (defences/) or the waiting room's admission token (waiting-room/). Here, below both,
 * because each verdict is one refusal of libs/contracts' table: PURCHASE_TOKEN_<verdict>, ADMISSION_<verdict>.
 */

/** What judging a signed paper found (defences/signed-ticket.ts judges every kind of ticket). */
export type TicketVerdict = 'OK' | 'INVALID' | 'OTHER_BUYER' | 'OTHER_ACTIVITY' | 'EXPIRED';

/** Why a purchase token was refused: none sent, used before, or what judging the ticket found. */
export type TokenVerdict = 'MISSING' | 'USED' | Exclude<TicketVerdict, 'OK'>;

/** Why a purchase of a room's activity was refused for its admission: none sent, used, or the token's verdict. */
export type AdmissionRefusal = 'MISSING' | 'USED' | Exclude<TicketVerdict, 'OK'>;
