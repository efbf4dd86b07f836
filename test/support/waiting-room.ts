import { InProcessService, Reply } from './risk-gateways';
import { eventually } from './eventually';

/** The queue's answer (docs/openapi.yaml, QueueAnswer). */
export interface QueueAnswer {
  state: 'WAITING' | 'ADMITTED' | 'SOLD_OUT' | 'EXPIRED';
  position: number | null;
  etaSeconds: number;
  pollAfterSeconds: number;
  remainingStock: number;
  ticket?: string;
  admissionToken?: string;
  admittedUntil?: string;
  code?: string;
}

/** A buyer's id of its own for each call (`prefix`: the spec's), apart from every other run's. */
export function buyerIds(prefix: string): (name: string) => string {
  let run = 0;
  return (name) => `${prefix}-${process.pid}-${++run}-${name}`;
}

const bearer = (gateway: InProcessService, userId: string) => gateway.buyerHeaders(userId);

/** POST …/queue as the buyer. */
export const joinQueue = (
  gateway: InProcessService,
  activityId: number | string,
  userId: string,
  payload: Record<string, unknown> = {},
): Promise<Reply<QueueAnswer>> =>
  gateway.call('POST', `/api/seckill/${activityId}/queue`, { payload, headers: bearer(gateway, userId) });

/**
 * GET …/queue as the buyer, with the join's ticket (none: left out): over a socket, so the hot route
 * (QueuePollHotRoute) answers as it does real traffic; `socket: false` sends it to the Fastify route.
 */
export const pollQueue = (
  gateway: InProcessService,
  activityId: number | string,
  userId: string,
  ticket?: string,
  { socket = true }: { socket?: boolean } = {},
): Promise<Reply<QueueAnswer>> =>
  gateway.call('GET', `/api/seckill/${activityId}/queue`, {
    headers: { ...bearer(gateway, userId), ...(ticket === undefined ? {} : { 'queue-ticket': ticket }) },
    socket,
  });

/** Polls until the buyer's place is in `state`; returns that answer. */
export function pollUntil(
  gateway: InProcessService,
  activityId: number,
  userId: string,
  ticket: string,
  state: QueueAnswer['state'],
  timeoutMs = 10_000,
): Promise<QueueAnswer> {
  return eventually(
    `buyer ${userId} is ${state}`,
    async () => {
      const { status, body } = await pollQueue(gateway, activityId, userId, ticket);
      if (status !== 200 || body.state !== state) throw new Error(`${status} ${JSON.stringify(body)}`);
      return body;
    },
    { timeoutMs, intervalMs: 50 },
  );
}
