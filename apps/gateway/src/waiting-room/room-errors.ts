import { AppError } from '@app/common';
import { TicketVerdict } from '../purchase-core/ticket-verdicts';

/** The errors of the waiting room's own routes (the purchase's admission refusals: libs/contracts/src/refusals.ts). */
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
