import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OrderRequestMessage } from '@app/contracts';
import { Order, activitiesTable, ordersTable, runnerQuery } from '@app/database';
import { abandonedAmong, abandonedOfBuyers } from '@app/stock';

/** An order as written (new, or by an earlier delivery): what the intake needs of it. */
export type WrittenOrder = Pick<Order, 'id' | 'activityId' | 'userId' | 'quantity' | 'status' | 'expiresAt'>;

/** Under the activity's lock, after a rebuild: which of these requests Redis still holds as taken. */
export type StillTaken = (requests: OrderRequestMessage[]) => Promise<OrderRequestMessage[]>;

/**
 * Writes one activity's slice of a batch in one transaction, checked against the ledger: the activity
 * row is locked (FOR UPDATE: order writes of one activity, and its rebuild, take turns) and read with its
 * live quantity (what its PENDING and PAID orders hold), then one conditional multi-row INSERT admits what
 * fits in the rest of the stock. Two statements per activity per batch, whatever the batch size or the
 * orders the activity already has. The lock comes first, in its own statement, so that the INSERT's
 * snapshot sees every order committed before it (READ COMMITTED takes one snapshot per statement).
 */
@Injectable()
export class OrderWriter {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * @param takenUnder the rebuild count the reservations were taken under (see take.lua)
   * @returns the rows that exist for these ids afterwards (new, from the INSERT, or written by an earlier
   *   delivery, read after it); a request without a row was refused by the ledger.
   */
  async write(
    activityId: number,
    requests: OrderRequestMessage[],
    takenUnder: number,
    stillTaken: StillTaken,
  ): Promise<WrittenOrder[]> {
    if (requests.length === 0) return [];
    let inserted: WrittenOrder[] = [];
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const [activity] = await activitiesTable.lock(runnerQuery(runner), activityId);
      // Rebuilt since the take: only what the rebuilt Redis still holds may become an order.
      const admissible = activity && activity.rebuilds !== takenUnder ? await stillTaken(requests) : requests;
      if (activity && admissible.length > 0) {
        const lines = admissible.map((r) => ({
          id: r.orderId,
          activityId,
          userId: r.userId,
          quantity: r.quantity,
        }));
        inserted = await ordersTable.insertWithinStock(
          runnerQuery(runner),
          activityId,
          lines,
          activity.stock - activity.liveQuantity,
          activity.payTimeoutSeconds,
        );
      }
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
    // A request the INSERT did not return was written by an earlier delivery, or refused: only those are read.
    const written = new Set(inserted.map((o) => o.id));
    const others = requests.filter((r) => !written.has(r.orderId)).map((r) => r.orderId);
    return others.length === 0 ? inserted : [...inserted, ...(await this.existing(others))];
  }

  /** Which of these requests' attempts a gateway answered 503 and recorded as abandoned. */
  abandoned(requests: OrderRequestMessage[]): Promise<Set<string>> {
    return abandonedAmong(
      this.db,
      requests.map((r) => r.orderId),
    );
  }

  /** Every attempt of these requests' buyers that a gateway recorded as abandoned, by buyer. */
  abandonedOfBuyers(activityId: number, requests: OrderRequestMessage[]): Promise<Map<string, string[]>> {
    return abandonedOfBuyers(
      this.db,
      activityId,
      requests.map((r) => r.userId),
    );
  }

  private existing(ids: string[]): Promise<WrittenOrder[]> {
    return ordersTable.byIds(this.db, ids);
  }
}
