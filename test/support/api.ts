import { loadConfig } from '@app/config';
import { signBuyerToken } from '@app/auth';

// Read on use, not at import: some specs set their variables after their imports have run.
const config = () => loadConfig();

export interface Reply<T = any> {
  status: number;
  body: T;
}

async function call<T>(url: string, init: RequestInit): Promise<Reply<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export const buyerToken = (userId: string) => signBuyerToken(userId, config().JWT_SECRET);

export interface ActivityInput {
  name?: string;
  stock: number;
  perUserLimit?: number;
  payTimeoutSeconds?: number;
  startsAt?: Date;
  endsAt?: Date;
  stockShards?: number;
}

/** The admin API's body for `input`: open from a minute ago for an hour unless told otherwise. */
export function activityBody(input: ActivityInput): Record<string, unknown> {
  return {
    name: input.name ?? 'e2e sale',
    stock: input.stock,
    perUserLimit: input.perUserLimit ?? 1,
    payTimeoutSeconds: input.payTimeoutSeconds ?? 60,
    startsAt: (input.startsAt ?? new Date(Date.now() - 60_000)).toISOString(),
    endsAt: (input.endsAt ?? new Date(Date.now() + 3_600_000)).toISOString(),
    ...(input.stockShards ? { stockShards: input.stockShards } : {}),
  };
}

/** Creates an activity that is open now (unless told otherwise) through the admin API. */
export async function createActivity(
  gateway: string,
  input: ActivityInput,
): Promise<{ id: number; stock: number }> {
  const { status, body } = await call<{ id: number; stock: number }>(`${gateway}/api/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config().ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(activityBody(input)),
  });
  if (status !== 201) throw new Error(`activity not created: ${status} ${JSON.stringify(body)}`);
  return body;
}

export function purchase(
  gateway: string,
  activityId: number,
  userId: string,
  quantity = 1,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Reply<{ orderId?: string; status?: string; code?: string; message?: string }>> {
  return call(`${gateway}/api/seckill/${activityId}`, {
    method: 'POST',
    signal,
    headers: {
      authorization: `Bearer ${buyerToken(userId)}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify({ quantity }),
  });
}

/** Blacklists a user or an IP through the admin API of one gateway. */
export async function blacklist(gateway: string, kind: 'user' | 'ip', value: string): Promise<void> {
  const { status, body } = await call(`${gateway}/api/admin/blacklist`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config().ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind, value, reason: 'test' }),
  });
  if (status !== 201) throw new Error(`not blacklisted: ${status} ${JSON.stringify(body)}`);
}

/** What the gateway says became of the buyer's purchase: QUEUED | CREATED | FAILED (with orderId) | NONE. */
export function purchaseResult(
  gateway: string,
  activityId: number,
  userId: string,
): Promise<Reply<{ status: string; orderId?: string }>> {
  return call(`${gateway}/api/seckill/${activityId}/result`, {
    headers: { authorization: `Bearer ${buyerToken(userId)}` },
  });
}

export function pay(orderService: string, orderId: string, userId: string): Promise<Reply> {
  return call(`${orderService}/api/orders/${orderId}/pay`, {
    method: 'POST',
    headers: { authorization: `Bearer ${buyerToken(userId)}` },
  });
}

export function getOrder(orderService: string, orderId: string, userId: string): Promise<Reply> {
  return call(`${orderService}/api/orders/${orderId}`, {
    headers: { authorization: `Bearer ${buyerToken(userId)}` },
  });
}
