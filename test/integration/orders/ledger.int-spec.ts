import { randomUUID } from 'node:crypto';
import { OrderRequestMessage } from '@app/contracts';
import { OrderWriter } from '../../../apps/order-service/src/order-requests/order-writer';
import { TestClients, range } from '../../support/clients';
import { insertOpenActivity } from '../../support/activity-rows';

// The order writer against the real PostgreSQL, as the ledger: what Redis admitted is checked again.
describe('order writes checked against the stock in PostgreSQL', () => {
  let clients: TestClients;
  let writer: OrderWriter;

  beforeAll(async () => {
    clients = await TestClients.connect();
    writer = new OrderWriter(clients.db);
  });
  afterAll(() => clients?.close());

  async function activity(stock: number): Promise<number> {
    const saved = await insertOpenActivity(clients.db, { name: 'ledger spec', stock, perUserLimit: 3 });
    return saved.id;
  }
  const requests = (activityId: number, prefix: string, quantities: number[]): OrderRequestMessage[] =>
    quantities.map((quantity, i) => ({
      orderId: randomUUID(),
      activityId,
      userId: `${prefix}-${i}`,
      quantity,
      reservedAt: Date.now(),
    }));
  const noRebuild = async (r: OrderRequestMessage[]) => r;
  const sold = async (activityId: number) =>
    (await clients.orders(activityId))
      .filter((o) => o.status !== 'CANCELLED')
      .reduce((sum, o) => sum + o.quantity, 0);

  it('when batches race for more than the stock (Redis lost its decrements), then exactly the stock is written', async () => {
    const id = await activity(10);
    const batches = range(4).map((b) => requests(id, `race-${b}`, [1, 1, 1, 1, 1]));
    const written = await Promise.all(batches.map((batch) => writer.write(id, batch, 0, noRebuild)));
    expect(written.flat()).toHaveLength(10);
    expect(await sold(id)).toBe(10);
  });

  it('when a batch only partly fits, then its requests are admitted in order while the running total fits', async () => {
    const id = await activity(5);
    const batch = requests(id, 'order', [2, 2, 2, 1]);
    const written = await writer.write(id, batch, 0, noRebuild);
    expect(written.map((o) => o.id).sort()).toEqual([batch[0].orderId, batch[1].orderId].sort());
    expect(await sold(id)).toBe(4);
  });

  it('when a request is delivered again, then it is neither written twice nor counted twice', async () => {
    const id = await activity(2);
    const batch = requests(id, 'replay', [1, 1]);
    await writer.write(id, batch, 0, noRebuild);
    const again = await writer.write(id, batch, 0, noRebuild);
    expect(again.map((o) => o.id).sort()).toEqual(batch.map((r) => r.orderId).sort());
    expect(await sold(id)).toBe(2);
  });

  it('when the activity was rebuilt since the take, then only what Redis still holds is written', async () => {
    const id = await activity(5);
    await clients.db.query('UPDATE activities SET rebuilds = 1 WHERE id = $1', [id]);
    const batch = requests(id, 'rebuilt', [1, 1]);
    const written = await writer.write(id, batch, 0, async (r) => r.slice(1));
    expect(written.map((o) => o.id)).toEqual([batch[1].orderId]);
  });
});
