import { signBuyerToken } from '@app/auth';
import { loadConfig } from '@app/config';
import { fetchTransport } from './http-transport';
import {
  ActivityInput,
  OrderAnswer,
  PurchaseAnswer,
  Reply,
  SeckillApi,
  TEST_PAY_TIMEOUT_SECONDS,
} from './seckill-api';

export { ActivityInput, Reply, activityBody } from './seckill-api';

// The specs' shorthand for SeckillApi: one call names the service it goes to. Over fetch, and configured on
// use, not at import: some specs set their variables after their imports have run.
const config = () => loadConfig();
const at = (urls: { gateway?: string; orderService?: string }) =>
  new SeckillApi(config(), {
    ...urls,
    transport: fetchTransport,
    payTimeoutSeconds: TEST_PAY_TIMEOUT_SECONDS,
  });

export const buyerToken = (userId: string) => signBuyerToken(userId, config().JWT_SECRET);

/** Creates an activity that is open now (unless told otherwise) through the admin API. */
export async function createActivity(
  gateway: string,
  input: ActivityInput,
): Promise<{ id: number; stock: number }> {
  return { id: await at({ gateway }).createActivity(input), stock: input.stock };
}

export function purchase(
  gateway: string,
  activityId: number,
  userId: string,
  quantity = 1,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Reply<PurchaseAnswer>> {
  return at({ gateway }).purchase(activityId, userId, gateway, headers, { quantity, signal });
}

/** Blacklists a user or an IP through the admin API of one gateway. */
export const blacklist = (gateway: string, kind: 'user' | 'ip', value: string): Promise<void> =>
  at({ gateway }).blacklist(kind, value);

/** What the gateway says became of the buyer's purchase: QUEUED | CREATED | FAILED (with orderId) | NONE. */
export const purchaseResult = (gateway: string, activityId: number, userId: string) =>
  at({ gateway }).purchaseResult(activityId, userId);

export const pay = (orderService: string, orderId: string, userId: string): Promise<Reply<OrderAnswer>> =>
  at({ orderService }).pay(orderId, userId);

export const getOrder = (
  orderService: string,
  orderId: string,
  userId: string,
): Promise<Reply<OrderAnswer>> => at({ orderService }).order(orderId, userId);
