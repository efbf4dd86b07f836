import { SqlMigration } from './sql-migration';

const LIVE = `status IN ('PENDING', 'PAID')`;

/** What one statement on orders changed in each activity's live quantity (from its transition tables). */
const change = (rows: string, sign: string) => `
  SELECT activity_id, ${sign}sum(q)::int AS q FROM (${rows}) AS d GROUP BY activity_id HAVING ${sign}sum(q) > 0
   ORDER BY activity_id`;
const added = `SELECT activity_id, quantity AS q FROM new_rows WHERE ${LIVE}`;
const removed = `SELECT activity_id, -quantity AS q FROM old_rows WHERE ${LIVE}`;

/** Live quantity gained: on the activity's row, locked in id order (a writer holds it already). */
const gain = (rows: string) => `
    PERFORM 1 FROM activities WHERE id IN (SELECT activity_id FROM (${change(rows, '')}) AS c) ORDER BY id FOR NO KEY UPDATE;
    UPDATE activities a SET live_added = a.live_added + c.q FROM (${change(rows, '')}) AS c WHERE a.id = c.activity_id;`;
/** Live quantity lost: on a row of its own per activity, so that a cancellation never waits for a writer. */
const lose = (rows: string) => `
    INSERT INTO activity_live_removed AS r (activity_id, quantity) ${change(rows, '-')}
      ON CONFLICT (activity_id) DO UPDATE SET quantity = r.quantity + excluded.quantity;`;

/**
 * The ledger's check (an order is written only while the activity's live orders fit in its stock) summed the
 * activity's PENDING and PAID orders at every batch: a cost that grew with every order the activity had
 * taken. The live quantity is now kept by statement triggers on orders, whatever writes them:
 * `activities.live_added` (what became live, under the row lock the order writers take) less
 * `activity_live_removed.quantity` (what stopped being live: cancellations, which take no lock on the
 * activity, count there and so never wait for a writer or a rebuild).
 */
export class ActivityLiveQuantity1764690000000 extends SqlMigration {
  name = 'ActivityLiveQuantity1764690000000';
  protected readonly sql = {
    up: [
      `ALTER TABLE activities ADD COLUMN live_added integer NOT NULL DEFAULT 0`,
      `CREATE TABLE activity_live_removed (activity_id integer PRIMARY KEY, quantity integer NOT NULL)`,
      `UPDATE activities a SET live_added = l.q
         FROM (SELECT activity_id, sum(quantity)::int AS q FROM orders WHERE ${LIVE} GROUP BY activity_id) AS l
        WHERE a.id = l.activity_id`,
      `CREATE FUNCTION orders_live_quantity() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN ${gain(added)}
         ELSIF TG_OP = 'DELETE' THEN ${lose(removed)}
         ELSIF TG_OP = 'UPDATE' THEN ${gain(`${added} UNION ALL ${removed}`)} ${lose(`${added} UNION ALL ${removed}`)}
         ELSE
           UPDATE activities SET live_added = 0 WHERE live_added <> 0;
           DELETE FROM activity_live_removed;
         END IF;
         RETURN NULL;
       END $$`,
      `CREATE TRIGGER orders_live_quantity_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION orders_live_quantity()`,
      `CREATE TRIGGER orders_live_quantity_update AFTER UPDATE ON orders
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION orders_live_quantity()`,
      `CREATE TRIGGER orders_live_quantity_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
         FOR EACH STATEMENT EXECUTE FUNCTION orders_live_quantity()`,
      `CREATE TRIGGER orders_live_quantity_truncate AFTER TRUNCATE ON orders
         FOR EACH STATEMENT EXECUTE FUNCTION orders_live_quantity()`,
    ],
    down: [
      'DROP TRIGGER orders_live_quantity_truncate ON orders',
      'DROP TRIGGER orders_live_quantity_delete ON orders',
      'DROP TRIGGER orders_live_quantity_update ON orders',
      'DROP TRIGGER orders_live_quantity_insert ON orders',
      'DROP FUNCTION orders_live_quantity()',
      'DROP TABLE activity_live_removed',
      'ALTER TABLE activities DROP COLUMN live_added',
    ],
  };
}
