import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Activity, activitiesTable, inTransaction } from '@app/database';
import { notFound, unavailable } from '@app/common';
import { RedisService } from '@app/redis';
import { ActivityRecord, StockStore } from '@app/stock';
import { warmActivity } from './activity-stock';
import { updateActivity } from './activity-update';
import { CreateActivityDto } from './create-activity.dto';
import { UpdateActivityDto } from './update-activity.dto';

/** The activity as the admin API shows it: what Redis holds a copy of, its name and its stock left. */
export interface ActivityView extends ActivityRecord {
  name: string;
  remainingStock: number;
}

@Injectable()
export class ActivitiesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisService,
    private readonly stock: StockStore,
  ) {}

  /**
   * Stored in PostgreSQL (the record) and warmed into Redis (where the sale happens), the warm-up inside
   * the row's transaction: if Redis cannot be warmed, the row is rolled back and the answer is 503, so no
   * activity exists without its Redis state. (Should the commit itself fail after the warm-up, the keys
   * name an id no row will ever take; and a row whose Redis state goes missing later is rebuilt from
   * PostgreSQL by the order-service.)
   */
  async create(dto: CreateActivityDto): Promise<ActivityView> {
    const activity = await inTransaction(this.db, async (q) => {
      const saved = await activitiesTable.insert(q, dto);
      try {
        await warmActivity(this.redis.client, saved);
      } catch {
        throw unavailable('Redis could not be warmed: the activity was not created; repeat the request');
      }
      return saved;
    });
    return this.view(activity, activity.stock);
  }

  /** Top-up and/or end now: PostgreSQL, then Redis (see activity-update.ts for why that order). */
  async update(id: number, update: UpdateActivityDto): Promise<ActivityView> {
    await updateActivity(this.db, this.redis, id, update);
    return this.get(id);
  }

  async get(id: number): Promise<ActivityView> {
    const [activity] = await activitiesTable.byId(this.db, id);
    if (!activity) throw notFound(`activity ${id}`);
    return this.view(activity, (await this.stock.remaining(id)) ?? 0);
  }

  private view(a: Activity, remainingStock: number): ActivityView {
    const { id, name, stock, startsAt, endsAt, perUserLimit, payTimeoutSeconds } = a;
    const { purchaseToken, challengeBits, stockShards } = a;
    return {
      ...{ id, name, stock, remainingStock, startsAt, endsAt, perUserLimit, payTimeoutSeconds },
      ...{ purchaseToken, challengeBits, stockShards, waitingRoom: a.waitingRoom ?? null },
    };
  }
}
