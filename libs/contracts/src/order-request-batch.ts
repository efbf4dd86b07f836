import { Decoded, OrderRequestMessage, orderRequestSchema, validateMessage } from './messages';

/**
 * Many order requests in one Kafka record: the gateway's relay packs each micro-batch into one, so the
 * producer encodes, checksums and partitions one record per batch instead of one per admission. Each request
 * keeps its own correlation id (a record has one set of headers). The one-request record (an
 * OrderRequestMessage as the value, its correlation id in the header) stays valid: recovery re-publishes in
 * that shape, and a consumer reads both, so gateways can be upgraded one at a time.
 */
export interface OrderRequestBatch {
  orderRequests: unknown[];
  /** per request, in the same order; null where the request had none */
  correlationIds: (string | null)[];
}

export interface PackedOrderRequest {
  request: OrderRequestMessage;
  correlationId?: string;
}

/** One entry of a record as read: the request or why not, and its own JSON (for the dead-letter topic). */
export interface UnpackedOrderRequest {
  decoded: Decoded<OrderRequestMessage>;
  correlationId?: string;
  /** one of several in its record (a packed batch) */
  packed: boolean;
  /** this entry's JSON (the record's whole value for a one-request record), made when asked */
  payload: () => string;
  /** its order id when it has a string one (keys its dead letter) */
  orderId?: string;
}

export function packOrderRequests(entries: PackedOrderRequest[]): string {
  const batch: OrderRequestBatch = {
    orderRequests: entries.map((e) => e.request),
    correlationIds: entries.map((e) => e.correlationId ?? null),
  };
  return JSON.stringify(batch);
}

const isBatch = (json: unknown): json is OrderRequestBatch =>
  typeof json === 'object' &&
  json !== null &&
  Array.isArray((json as OrderRequestBatch).orderRequests) &&
  Array.isArray((json as OrderRequestBatch).correlationIds);

const orderIdOf = (json: unknown) => {
  const id = (json as { orderId?: unknown } | null)?.orderId;
  return typeof id === 'string' ? id : undefined;
};

/**
 * The order requests a record carries, each validated on its own (one bad entry does not spoil the rest);
 * a record that is neither shape is one entry that failed. Never throws.
 */
export function unpackOrderRequests(
  value: Buffer | string | null,
  headerCorrelationId?: string,
): UnpackedOrderRequest[] {
  if (value === null)
    return [{ decoded: { ok: false, reason: 'empty message value' }, packed: false, payload: () => '' }];
  const text = value.toString();
  const whole = () => text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [{ decoded: { ok: false, reason: 'value is not JSON' }, packed: false, payload: whole }];
  }
  if (!isBatch(json)) {
    const decoded = validateMessage(orderRequestSchema, json);
    const orderId = orderIdOf(json);
    return [{ decoded, correlationId: headerCorrelationId, packed: false, payload: whole, orderId }];
  }
  return json.orderRequests.map((entry, i) => {
    const correlationId = json.correlationIds[i];
    return {
      decoded: validateMessage(orderRequestSchema, entry),
      correlationId: typeof correlationId === 'string' ? correlationId : undefined,
      packed: true,
      payload: () => JSON.stringify(entry) ?? '',
      orderId: orderIdOf(entry),
    };
  });
}
