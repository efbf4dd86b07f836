import { Injectable } from '@nestjs/common';

export type BlacklistKind = 'user' | 'ip';

export interface BlacklistEntry {
  kind: BlacklistKind;
  /** a user id (the token's `sub`) or an IP address (normalized, see client-ip.ts) */
  value: string;
  reason: string;
  addedAt: string;
}

/** The whole blacklist at one version (PostgreSQL's: it grows with every change, see BlacklistStore). */
export interface BlacklistSnapshot {
  version: number;
  entries: BlacklistEntry[];
}

/**
 * The hot, in-process copy of the blacklist: the purchase path asks it, never Redis. Replaced whole
 * from a snapshot (BlacklistStore) whenever the blacklist channel announces a change (and on the periodic
 * refresh); a snapshot older than the one held is ignored, so a slow read cannot undo a newer change.
 */
@Injectable()
export class Blacklist {
  private users = new Set<string>();
  private ips = new Set<string>();
  private held = -1;

  /** Which of the two (if any) is blacklisted; the user is checked first. */
  blocked(userId: string, ip: string): BlacklistKind | null {
    if (this.users.has(userId)) return 'user';
    if (this.ips.has(ip)) return 'ip';
    return null;
  }

  /** The version of the snapshot held; -1 before the first. */
  get version(): number {
    return this.held;
  }

  replace(snapshot: BlacklistSnapshot): void {
    if (snapshot.version < this.held) return;
    const values = (kind: BlacklistKind) =>
      new Set(snapshot.entries.filter((e) => e.kind === kind).map((e) => e.value));
    this.users = values('user');
    this.ips = values('ip');
    this.held = snapshot.version;
  }
}
