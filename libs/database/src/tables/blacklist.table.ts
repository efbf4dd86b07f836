import { Sql, rowsOf } from '../query-rows';

// The blacklist (its entries, and blacklist_version: one row, the version every change moves on by one).
export interface BlacklistRow<K extends string> {
  kind: K;
  value: string;
  reason: string;
  addedAt: Date;
}

export const blacklistTable = {
  /** Adds the entry, or replaces its reason and time. */
  async put(q: Sql, kind: string, value: string, reason: string, addedAt: string): Promise<void> {
    await rowsOf(
      q,
      `INSERT INTO blacklist (kind, value, reason, added_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (kind, value) DO UPDATE SET reason = EXCLUDED.reason, added_at = EXCLUDED.added_at`,
      [kind, value, reason, addedAt],
    );
  },

  /** @returns false when there was no such entry */
  async remove(q: Sql, kind: string, value: string): Promise<boolean> {
    const removed = await rowsOf(q, 'DELETE FROM blacklist WHERE kind = $1 AND value = $2 RETURNING kind', [
      kind,
      value,
    ]);
    return removed.length > 0;
  },

  async nextVersion(q: Sql): Promise<void> {
    await rowsOf(q, 'UPDATE blacklist_version SET version = version + 1');
  },

  /** Every entry and the version they are at, in one statement (one snapshot). */
  async snapshot<K extends string>(q: Sql): Promise<{ version: number; entries: BlacklistRow<K>[] }> {
    const rows = await rowsOf<
      { version: string } & { [F in keyof BlacklistRow<K>]: BlacklistRow<K>[F] | null }
    >(
      q,
      `SELECT v.version, b.kind, b.value, b.reason, b.added_at AS "addedAt"
         FROM blacklist_version v LEFT JOIN blacklist b ON true ORDER BY b.added_at, b.kind, b.value`,
    );
    const entries = rows.filter((r): r is { version: string } & BlacklistRow<K> => r.kind !== null);
    return { version: Number(rows[0].version), entries };
  },
};
