// The public API as k6 calls it (docs/openapi.yaml). The naive baseline answers the same two routes,
// so one scenario can load either design.
import http from 'k6/http';
import { sleep } from 'k6';
import { ADMIN_TOKEN, ORDERS_URL } from './config.js';

// 409 (SOLD_OUT, ALREADY_PURCHASED, ORDER_NOT_PAYABLE) is an answer, not a failure: k6's
// http_req_failed then counts only transport errors, 5xx and the 4xx nobody should get.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 409));

const json = { 'Content-Type': 'application/json' };
const bearer = (token) => ({ Authorization: `Bearer ${token}` });

/** Creates an activity open from now on (admin) and returns its id. */
export function createActivity(baseUrl, { name, stock, payTimeoutSeconds = 900, openSeconds = 3600 }) {
  const now = Date.now();
  const body = {
    name,
    stock,
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + openSeconds * 1000).toISOString(),
    perUserLimit: 1,
    payTimeoutSeconds,
  };
  const res = http.post(`${baseUrl}/api/activities`, JSON.stringify(body), {
    headers: { ...json, ...bearer(ADMIN_TOKEN) },
    tags: { name: 'create-activity' },
  });
  if (res.status !== 201) throw new Error(`creating the activity failed: ${res.status} ${res.body}`);
  return res.json('id');
}

export function buy(baseUrl, activityId, token) {
  return http.post(`${baseUrl}/api/seckill/${activityId}`, '{"quantity":1}', {
    headers: { ...json, ...bearer(token) },
    tags: { name: 'purchase' },
  });
}

/** Polls `/result` until the order row exists (CREATED); null if it failed or took longer than `timeoutS`. */
export function waitForOrder(baseUrl, activityId, token, timeoutS = 15) {
  const deadline = Date.now() + timeoutS * 1000;
  while (Date.now() < deadline) {
    const res = http.get(`${baseUrl}/api/seckill/${activityId}/result`, {
      headers: bearer(token),
      tags: { name: 'result' },
    });
    const status = res.status === 200 ? res.json('status') : undefined;
    if (status === 'CREATED') return res.json('orderId');
    if (status === 'FAILED' || status === 'NONE') return null;
    sleep(0.2);
  }
  return null;
}

export function pay(orderId, token) {
  return http.post(`${ORDERS_URL}/api/orders/${orderId}/pay`, null, {
    headers: bearer(token),
    tags: { name: 'pay' },
  });
}

export function readOrder(orderId, token) {
  return http.get(`${ORDERS_URL}/api/orders/${orderId}`, { headers: bearer(token), tags: { name: 'order' } });
}
