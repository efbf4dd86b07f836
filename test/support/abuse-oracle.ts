import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * What the public contract (docs/openapi.yaml) says, written out independently of the code under test,
 * so that property tests compare the services with the document rather than with themselves.
 */
const openapi = parse(readFileSync(join(__dirname, '../../docs/openapi.yaml'), 'utf8'));

/** Every error `code` the API documents. */
export const DOCUMENTED_CODES: ReadonlySet<string> = new Set(
  openapi.components.schemas.Error.properties.code.enum,
);

const IDEMPOTENCY_KEY = new RegExp(
  openapi.paths['/api/seckill/{activityId}'].post.parameters.find(
    (p: { name?: string }) => p.name === 'Idempotency-Key',
  ).schema.pattern,
);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isIntIn = (v: unknown, min: number, max: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** The quantity a purchase body buys, or null when the body must be refused. */
export function purchaseQuantity(text: string, perUserLimit: number): number | null {
  let body: unknown;
  try {
    // An empty JSON body is `{}` (a bodiless POST), so it buys the default quantity.
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    return null;
  }
  if (!isPlainObject(body) || Object.keys(body).some((k) => k !== 'quantity')) return null;
  const quantity = 'quantity' in body ? body.quantity : 1;
  return isIntIn(quantity, 1, Math.min(perUserLimit, 1_000)) ? (quantity as number) : null;
}

export const validIdempotencyKey = (key: string | undefined) =>
  key === undefined || IDEMPOTENCY_KEY.test(key);

/** RFC 3339 date-time with an offset, as the CreateActivity schema's `format: date-time` requires. */
function dateTime(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/.exec(v);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !leap(year) ? 1 : 0);
  const offsetOk = m[8] === 'Z' || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  const fieldsOk = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59;
  return fieldsOk && second <= 59 && offsetOk ? Date.parse(v) : null;
}
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const ACTIVITY_FIELDS = ['name', 'stock', 'startsAt', 'endsAt', 'perUserLimit', 'payTimeoutSeconds'];

/** Whether POST /api/activities must accept this body (CreateActivity, plus: no NUL in any string). */
export function validActivity(body: unknown): boolean {
  if (!isPlainObject(body) || Object.keys(body).some((k) => !ACTIVITY_FIELDS.includes(k))) return false;
  const { name, stock, startsAt, endsAt, perUserLimit = 1, payTimeoutSeconds = 900 } = body;
  const starts = dateTime(startsAt);
  const ends = dateTime(endsAt);
  return (
    typeof name === 'string' &&
    name.trim().length >= 1 &&
    name.trim().length <= 200 &&
    !name.includes('\u0000') &&
    isIntIn(stock, 1, 10_000_000) &&
    isIntIn(perUserLimit, 1, 1_000) &&
    isIntIn(payTimeoutSeconds, 1, 86_400) &&
    starts !== null &&
    ends !== null &&
    ends > starts
  );
}
