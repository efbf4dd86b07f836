import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { scrapeGauge } from '@app/observability';
import { RedisService } from '@app/redis';
import { ActivityWindow } from '../risk/activity-windows';
import { advanceRoom, placeDone } from './room-scripts';
import { RoomView } from './room-view';

/**
 * This gateway's copies of the waiting rooms it serves. Every WAITING_ROOM_TICK_MS it runs the advance
 * script once per room (one EVALSHA each, whatever the number of polls), which admits the next places and
 * answers the room's state; every poll in between is answered from that copy. A room this gateway has not
 * seen yet (a restart, a poll first sent here) costs one read, shared by the polls that wait for it.
 * Rooms are forgotten when their sale ends.
 */
@Injectable()
export class Rooms implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(Rooms.name);
  private readonly views = new Map<number, RoomView>();
  private readonly loading = new Map<number, Promise<RoomView>>();
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {
    scrapeGauge(
      'seckill_waiting_room',
      "A waiting room as this gateway's copy last read it: waiting (joined, not yet admitted), admitted (and not done), serving (the last place admitted), admit_rate (places admitted per second)",
      ['activity', 'figure'],
      () => Promise.resolve(this.figures()),
    );
  }

  private figures() {
    return this.held().flatMap((room) => {
      const activity = String(room.activityId);
      const figures: [string, number][] = [
        ['waiting', Math.max(0, room.joined - room.serving)],
        ['admitted', room.admitted],
        ['serving', room.serving],
        ['admit_rate', Math.round(room.admitRate * 10) / 10],
      ];
      return figures.map(([figure, value]) => ({ labels: { activity, figure }, value }));
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.WAITING_ROOM_TICK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The room's copy when this instance holds it (answered without awaiting); undefined: ask `view`. */
  heldView(activityId: number, window: ActivityWindow): RoomView | undefined {
    const held = this.views.get(activityId);
    if (held) {
      // An admin may end the sale early: the copy follows the window.
      held.startsAt = window.startsAt;
      held.endsAt = window.endsAt;
    }
    return held;
  }

  /** The room's copy: held, else after one read (concurrent callers share it). */
  view(activityId: number, window: ActivityWindow): Promise<RoomView> {
    const held = this.heldView(activityId, window);
    if (held) return Promise.resolve(held);
    let load = this.loading.get(activityId);
    if (!load) {
      const view = new RoomView(activityId, window.startsAt, window.endsAt, window.room!);
      load = this.refresh(view)
        .then(() => (this.views.set(activityId, view), view))
        .finally(() => this.loading.delete(activityId));
      this.loading.set(activityId, load);
    }
    return load;
  }

  /**
   * The copy read again now, unless it was read within the last tick: for a ticket naming a room the copy
   * does not know yet (joined on another gateway before this copy's first tick saw the room's seed).
   */
  async reread(view: RoomView): Promise<void> {
    if (Date.now() - view.readAt < this.config.WAITING_ROOM_TICK_MS) return;
    await this.refresh(view);
  }

  held(): RoomView[] {
    return [...this.views.values()];
  }

  /** A purchase with an admission was accepted: its slot is freed for the next in line. */
  done(activityId: number, position: number): void {
    placeDone(this.redis.client, activityId, position).catch((err: Error) =>
      // Harmless when lost: the slot lapses at its deadline instead.
      this.logger.warn({ msg: 'admission slot not freed', activityId, err: err.message }),
    );
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = Date.now();
      for (const [id, view] of this.views) if (now >= view.endsAt) this.views.delete(id);
      await Promise.allSettled([...this.views.values()].map((view) => this.refresh(view)));
    } finally {
      this.ticking = false;
    }
  }

  private async refresh(view: RoomView): Promise<void> {
    const read = await advanceRoom(
      this.redis.client,
      view.activityId,
      {
        startsAt: view.startsAt,
        admitPerSecond: view.rules.admitPerSecond,
        maxAdmitted: view.rules.maxAdmitted,
        windowMs: view.rules.admissionWindowSeconds * 1000,
      },
      view.lastGrant,
    );
    view.apply(read, Date.now());
  }
}
