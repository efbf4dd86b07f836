import fc from 'fast-check';
import { z } from 'zod';
import {
  ORDER_EVENT_TYPES,
  decodeMessage,
  deadLetterSchema,
  orderEventSchema,
  orderRequestSchema,
  orderTimeoutSchema,
} from './messages';
import { USER_ID_PATTERN } from './user-id';

// The contract written out a second time, independently of zod: what a well-formed message is.
type Rule = (v: unknown) => boolean;
const int =
  (min: number, max = Number.MAX_SAFE_INTEGER): Rule =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const rules = {
  orderId: (v: unknown) =>
    typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  activityId: int(1, 2 ** 31 - 1),
  userId: (v: unknown) => typeof v === 'string' && USER_ID_PATTERN.test(v),
  quantity: int(1, 1_000),
  epochMs: int(0, 8.64e15),
  text: (v: unknown) => typeof v === 'string',
};

const valid = {
  orderId: fc.uuid(),
  activityId: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  userId: fc.stringMatching(USER_ID_PATTERN),
  quantity: fc.integer({ min: 1, max: 1_000 }),
  epochMs: fc.maxSafeNat().filter((n) => n <= 8.64e15),
};

interface Contract {
  name: string;
  schema: z.ZodType<unknown>;
  fields: Record<string, Rule>;
  wellFormed: fc.Arbitrary<Record<string, unknown>>;
}

const contracts: Contract[] = [
  {
    name: 'order request',
    schema: orderRequestSchema,
    fields: { ...pick('orderId', 'activityId', 'userId', 'quantity'), reservedAt: rules.epochMs },
    wellFormed: fc.record({
      ...pickValid('orderId', 'activityId', 'userId', 'quantity'),
      reservedAt: valid.epochMs,
    }),
  },
  {
    name: 'order event',
    schema: orderEventSchema,
    fields: {
      type: (v) => (ORDER_EVENT_TYPES as readonly unknown[]).includes(v),
      ...pick('orderId', 'activityId', 'userId', 'quantity'),
      at: rules.epochMs,
    },
    wellFormed: fc.record({
      type: fc.constantFrom(...ORDER_EVENT_TYPES),
      ...pickValid('orderId', 'activityId', 'userId', 'quantity'),
      at: valid.epochMs,
    }),
  },
  {
    name: 'order timeout',
    schema: orderTimeoutSchema,
    fields: { ...pick('orderId', 'activityId'), dueAt: rules.epochMs },
    wellFormed: fc.record({ ...pickValid('orderId', 'activityId'), dueAt: valid.epochMs }),
  },
  {
    name: 'dead letter',
    schema: deadLetterSchema,
    fields: {
      sourceTopic: rules.text,
      partition: int(0, 2 ** 31 - 1),
      offset: rules.text,
      reason: rules.text,
      payload: rules.text,
    },
    wellFormed: fc.record({
      sourceTopic: fc.string(),
      partition: fc.integer({ min: 0 }),
      offset: fc.string(),
      reason: fc.string(),
      payload: fc.string({ unit: 'binary' }),
    }),
  },
];

function pick(...names: (keyof typeof rules)[]): Record<string, Rule> {
  return Object.fromEntries(names.map((n) => [n, rules[n]]));
}
function pickValid<K extends keyof typeof valid>(...names: K[]): { [P in K]: (typeof valid)[P] } {
  return Object.fromEntries(names.map((n) => [n, valid[n]])) as { [P in K]: (typeof valid)[P] };
}

function isWellFormed(contract: Contract, json: unknown): boolean {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  const keys = Object.keys(json);
  const expected = Object.keys(contract.fields);
  return (
    keys.length === expected.length &&
    expected.every(
      (k) => Object.prototype.hasOwnProperty.call(json, k) && contract.fields[k]((json as never)[k]),
    )
  );
}

/** A well-formed message with one field removed, replaced by any JSON value, or one unknown field added. */
const mutated = (contract: Contract) =>
  fc
    .tuple(
      contract.wellFormed,
      fc.constantFrom(...Object.keys(contract.fields)),
      fc.oneof(fc.constant('drop'), fc.constant('extra'), fc.jsonValue()),
    )
    .map(([message, field, change]) => {
      const copy: Record<string, unknown> = { ...message };
      if (change === 'drop') delete copy[field];
      else if (change === 'extra') copy.userIdOverride = 'mallory';
      else copy[field] = change;
      return copy;
    });

const raw = fc.oneof(
  fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')),
);

const runs = { numRuns: 200 };

describe.each(contracts)('decodeMessage($name)', (contract) => {
  it('when the message is well formed, then it decodes to exactly the value sent', () => {
    fc.assert(
      fc.property(contract.wellFormed, (message) => {
        expect(decodeMessage(contract.schema, Buffer.from(JSON.stringify(message)))).toEqual({
          ok: true,
          value: message,
        });
      }),
      runs,
    );
  });

  it('when one field is dropped, changed or added, then it is accepted exactly when still well formed', () => {
    fc.assert(
      fc.property(mutated(contract), (message) => {
        const decoded = decodeMessage(contract.schema, JSON.stringify(message));
        expect(decoded.ok).toBe(isWellFormed(contract, JSON.parse(JSON.stringify(message))));
        if (!decoded.ok) expect(decoded.reason).toMatch(/\S/);
      }),
      runs,
    );
  });

  it('when the bytes are anything at all, then it never throws and accepts only well-formed JSON', () => {
    fc.assert(
      fc.property(raw, (bytes) => {
        const decoded = decodeMessage(contract.schema, bytes);
        let json: unknown;
        try {
          json = JSON.parse(bytes.toString());
        } catch {
          return expect(decoded).toEqual({ ok: false, reason: 'value is not JSON' });
        }
        expect(decoded.ok).toBe(isWellFormed(contract, json));
      }),
      runs,
    );
  });
});
