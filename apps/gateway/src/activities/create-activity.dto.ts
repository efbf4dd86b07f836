import { z } from 'zod';
import { MAX_STOCK_SHARDS } from '@app/stock';

const instant = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO-8601 date-time, e.g. 2026-11-21T10:00:00Z' })
  .transform((s) => new Date(s));

/** A waiting room in front of the sale (apps/gateway/src/waiting-room); every field has a default. */
export const waitingRoomSchema = z
  .object({
    opensBeforeSeconds: z.number().int().min(0).max(86_400).default(600),
    admitPerSecond: z.number().int().min(1).max(10_000).default(50),
    maxAdmitted: z.number().int().min(1).max(10_000).default(500),
    admissionWindowSeconds: z.number().int().min(5).max(3_600).default(60),
  })
  .strict();

export const createActivitySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    stock: z.number().int().min(1).max(10_000_000),
    startsAt: instant,
    endsAt: instant,
    /** Most items one buyer may take in this activity (in their one live order). */
    perUserLimit: z.number().int().min(1).max(1_000).default(1),
    /** Seconds a buyer has to pay before the order is cancelled and its stock released. */
    payTimeoutSeconds: z.number().int().min(1).max(86_400).default(900),
    /** Purchases need a short-lived purchase token, issued from the sale's start (off by default). */
    purchaseToken: z.boolean().default(false),
    /** Leading zero bits of a proof-of-work asked before the token; 0 = none. Needs purchaseToken. */
    challengeBits: z.number().int().min(0).max(32).default(0),
    /** Stock shards: sub-stocks under their own hash tags, spread over a Redis Cluster's masters. */
    stockShards: z.number().int().min(1).max(MAX_STOCK_SHARDS).default(1),
    /** A waiting room: buyers queue, get a fair place and are admitted at a rate (off by default). */
    waitingRoom: waitingRoomSchema.nullable().default(null),
  })
  .strict()
  .refine((a) => a.endsAt > a.startsAt, { path: ['endsAt'], message: 'must be after startsAt' })
  .refine((a) => a.stockShards <= a.stock, {
    path: ['stockShards'],
    message: 'cannot exceed the stock (every shard starts with at least one unit)',
  })
  .refine((a) => a.waitingRoom === null || a.stockShards === 1, {
    path: ['waitingRoom'],
    message: 'a waiting room admits against one stock: it cannot be combined with stock shards',
  })
  .refine((a) => a.challengeBits === 0 || a.purchaseToken, {
    path: ['challengeBits'],
    message: 'a challenge needs purchaseToken: true (the challenge is solved to get the token)',
  });

export type CreateActivityDto = z.infer<typeof createActivitySchema>;
