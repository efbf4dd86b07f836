import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { withCorrelation } from '@app/observability';
import { CancellationService } from '../cancellation/cancellation.service';

/**
 * The backstop for a lost or late timeout message: every SWEEPER_INTERVAL_MS it cancels orders left
 * PENDING more than SWEEPER_GRACE_MS past expires_at, and finishes releases a crash interrupted.
 * The grace leaves the normal path (the timeout message) to do its job first.
 * The next sweep is scheduled only when the previous one ended, so two sweeps never overlap.
 */
@Injectable()
export class SweeperService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SweeperService.name);
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cancellation: CancellationService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Stops the schedule and lets a running sweep finish while PostgreSQL and Redis are still up. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.sweepOnce().finally(() => {
        this.inFlight = undefined;
        this.schedule();
      });
    }, this.config.SWEEPER_INTERVAL_MS);
  }

  private async sweepOnce(): Promise<void> {
    try {
      const swept = await withCorrelation(undefined, () =>
        this.cancellation.sweep(this.config.SWEEPER_GRACE_MS),
      );
      if (swept.cancelled > 0 || swept.finished > 0) this.logger.log({ msg: 'sweep', ...swept });
    } catch (err) {
      // A dependency is down; the next sweep tries again, nothing is lost meanwhile.
      this.logger.warn({ msg: 'sweep failed', err: (err as Error).message });
    }
  }
}
