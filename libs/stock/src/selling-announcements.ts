import { Injectable, Logger } from '@nestjs/common';
import { RedisService } from '@app/redis';
import { SELLING_ANNOUNCE_EVERY_MS, announceSelling } from './selling-activities';

/**
 * Tells recovery which activities this gateway reserves in (selling-activities.ts), before it
 * reserves: at most one command per activity every SELLING_ANNOUNCE_EVERY_MS, and not awaited — on one
 * Redis it goes out on the connection ahead of the reservation, so Redis runs it first (unless Redis did
 * not know the script yet: then its second try follows the reservation by a round trip). On a cluster the
 * two go to different nodes. A failed or late announcement is tried again by the next purchase; for a
 * gateway killed in that moment, recovery's turns over the open activities are the backstop.
 */
@Injectable()
export class SellingAnnouncements {
  private readonly logger = new Logger(SellingAnnouncements.name);
  /** activity id → when it was last announced (performance.now()) */
  private readonly announced = new Map<number, number>();

  constructor(private readonly redis: RedisService) {}

  /** Before a reservation in this activity. */
  before(activityId: number): void {
    const now = performance.now();
    const last = this.announced.get(activityId);
    if (last !== undefined && now - last < SELLING_ANNOUNCE_EVERY_MS) return;
    this.announced.set(activityId, now);
    announceSelling(this.redis.client, [activityId]).catch((err: Error) => {
      if (this.announced.get(activityId) === now) this.announced.delete(activityId);
      this.logger.warn({ msg: 'selling announcement failed', activityId, err: err.message });
    });
  }
}
