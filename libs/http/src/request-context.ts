import { randomUUID } from 'node:crypto';
import { histogram } from '@app/observability';

const SAFE_ID = /^[\w.:-]{1,64}$/;

/** The request's correlation id: the caller's, when short and plain (it ends up in every log line), else new. */
export function correlationIdFor(requested: unknown): string {
  return typeof requested === 'string' && SAFE_ID.test(requested) ? requested : randomUUID();
}

const latency = histogram('http_request_duration_seconds', 'HTTP latency by route and status', [
  'method',
  'route',
  'status',
]);
/** One child per (method, route, status), made once: labelling on every request costs a lookup by string. */
const children = new Map<string, ReturnType<typeof latency.labels>>();

export function observeHttp(method: string, route: string, status: number, seconds: number): void {
  const key = `${method} ${route} ${status}`;
  let child = children.get(key);
  if (!child) children.set(key, (child = latency.labels(method, route, String(status))));
  child.observe(seconds);
}
