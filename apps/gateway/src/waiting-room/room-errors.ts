import { AppError } from '@app/common';
import { TicketVerdict } from '../defences/signed-ticket';
import { AdmissionVerdict } from './room-tickets';

/** Why a purchase of a room's activity was refused for its admission: none sent, used, or the token's verdict. */
export type AdmissionRefusal = 'MISSING' | 'USED' | Exclude<AdmissionVerdict, 'OK'>;

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

export const noWaitingRoom = () => new AppError('NO_WAITING_ROOM', 409, 'this sale has no waiting room');

export const roomNotOpen = (opensAt: number) =>
  new AppError('ROOM_NOT_OPEN', 409, 'the waiting room is not open yet', {
    opensAt: new Date(opensAt).toISOString(),
  });

export const queueReset = () =>
  new AppError(
    'QUEUE_RESET',
    409,
    'the waiting room lost its line (Redis was reset); join again for a new place',
  );

export const notJoined = () =>
  new AppError(
    'QUEUE_TICKET_REQUIRED',
    403,
    'send the Queue-Ticket the join gave (or join again: same place)',
  );

export const badTicket = (verdict: Exclude<TicketVerdict, 'OK'>) =>
  verdict === 'EXPIRED'
    ? new AppError('QUEUE_TICKET_EXPIRED', 403, 'the queue ticket has expired')
    : new AppError('QUEUE_TICKET_INVALID', 403, TICKET_MESSAGES[verdict]);

const TICKET_MESSAGES: Record<Exclude<TicketVerdict, 'OK' | 'EXPIRED'>, string> = {
  INVALID: 'the queue ticket is not valid',
  OTHER_BUYER: 'the queue ticket was issued to another buyer',
  OTHER_ACTIVITY: 'the queue ticket was issued for another activity',
};
