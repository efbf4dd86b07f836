import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TicketVerdict } from '../purchase-core/ticket-verdicts';

/**
 * A short signed ticket bound to one buyer of one activity: the purchase token and the challenge are
 * both one. `<base64url(activityId|userId|expiresAt|nonce|extra)>.<base64url(HMAC-SHA256)>`, checked in
 * process with the key alone (no Redis, no lookup). User ids never contain `|` (USER_ID_PATTERN).
 */
export interface Ticket {
  activityId: number;
  userId: string;
  /** epoch ms */
  expiresAt: number;
  /** random: what makes two tickets of one buyer different (the replay set remembers it) */
  nonce: string;
  /** what else the ticket carries (the challenge's difficulty) */
  extra: string;
}

/** A key per purpose, derived from JWT_SECRET: every gateway shares it, and a purchase token is not a challenge. */
export function ticketKey(
  secret: string,
  purpose: 'purchase-token' | 'challenge' | 'queue-ticket' | 'admission-token',
): Buffer {
  return createHmac('sha256', secret).update(`seckill ${purpose}`).digest();
}

export function signTicket(key: Buffer, t: Omit<Ticket, 'nonce'> & { nonce?: string }): string {
  const nonce = t.nonce ?? randomBytes(12).toString('base64url');
  const body = Buffer.from(`${t.activityId}|${t.userId}|${t.expiresAt}|${nonce}|${t.extra}`).toString(
    'base64url',
  );
  return `${body}.${mac(key, body)}`;
}

/** Reads a ticket if its signature holds (else null); says nothing yet about whose or when. */
export function openTicket(key: Buffer, ticket: string): Ticket | null {
  const [body, signature, more] = ticket.split('.');
  if (!body || !signature || more !== undefined || ticket.length > 512) return null;
  const expected = Buffer.from(mac(key, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const [activityId, userId, expiresAt, nonce, extra] = Buffer.from(body, 'base64url').toString().split('|');
  if (extra === undefined) return null;
  return { activityId: Number(activityId), userId, expiresAt: Number(expiresAt), nonce, extra };
}

export function judgeTicket(
  t: Ticket | null,
  activityId: number,
  userId: string,
  now: number,
): TicketVerdict {
  if (!t) return 'INVALID';
  if (t.activityId !== activityId) return 'OTHER_ACTIVITY';
  if (t.userId !== userId) return 'OTHER_BUYER';
  if (now >= t.expiresAt) return 'EXPIRED';
  return 'OK';
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}
