import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { stockKeys } from '@app/stock';

export interface Sample {
  at: number;
  admitted: number;
  remaining: number;
  pending: number;
  paid: number;
  cancelled: number;
}

/** Samples the sale once a second (stock in Redis, orders in PostgreSQL) and prints one line per sample. */
export class Progress {
  readonly samples: Sample[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly db: DataSource,
    private readonly activityId: number,
    private readonly admitted: () => number,
    private readonly startedAt = Date.now(),
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample().catch(() => undefined), 1_000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sample(): Promise<Sample> {
    const rows: { status: string; count: string }[] = await this.db.query(
      'SELECT status, count(*) AS count FROM orders WHERE activity_id = $1 GROUP BY status',
      [this.activityId],
    );
    const count = (status: string) => Number(rows.find((r) => r.status === status)?.count ?? 0);
    const s: Sample = {
      at: Date.now(),
      admitted: this.admitted(),
      remaining: Number(await this.redis.get(stockKeys(this.activityId).stock)),
      pending: count('PENDING'),
      paid: count('PAID'),
      cancelled: count('CANCELLED'),
    };
    this.samples.push(s);
    const t = ((s.at - this.startedAt) / 1000).toFixed(0).padStart(3);
    console.log(
      `  t=${t}s  admitted ${s.admitted}  orders: PENDING ${s.pending}  PAID ${s.paid}  CANCELLED ${s.cancelled}  remaining stock ${s.remaining}`,
    );
    return s;
  }
}
