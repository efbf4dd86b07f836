import { randomUUID } from 'node:crypto';
import { OrderStatus } from '@app/database';
import { insertOrder } from '../../support/order-rows';
import { TestClients } from '../../support/clients';
import { tallyOrders } from '../../support/faults';
import { insertOpenActivity } from '../../support/activity-rows';

// The fault suite's own judge, fed corrupted states written to the real PostgreSQL: it must see them.
describe('the fault suite’s count of orders against the 202s', () => {
  let clients: TestClients;
  let activityId: number;

  beforeAll(async () => {
    clients = await TestClients.connect();
    const activity = await insertOpenActivity(clients.db, {
      name: 'fault checks spec',
      stock: 10,
      perUserLimit: 1,
    });
    activityId = activity.id;
  });
  afterAll(() => clients?.close());

  async function order(userId: string, status: OrderStatus): Promise<string> {
    const id = randomUUID();
    await insertOrder(clients.db, {
      id,
      activityId,
      userId,
      quantity: 1,
      status,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 30_000),
      paidAt: null,
      cancelledAt: status === 'CANCELLED' ? new Date() : null,
      stockReleasedAt: null,
    });
    return id;
  }

  it('when one purchase was written as two orders (a second id for the same buyer), then it is a duplicate', async () => {
    const first = await order('twice', 'CANCELLED');
    const second = await order('twice', 'PENDING');
    const once = await order('once', 'PENDING');
    const tally = tallyOrders(await clients.orders(activityId), [first, second, once]);
    expect(tally).toEqual({ lost: 0, duplicated: 1, extra: [] });
  });

  it('when a 202 has no row and a row had no 202, then they are lost and extra', async () => {
    const rows = await clients.orders(activityId);
    const stray = rows[0].id;
    const tally = tallyOrders(rows, [randomUUID(), ...rows.slice(1).map((o) => o.id)]);
    expect(tally).toMatchObject({ lost: 1, extra: [stray] });
  });
});
