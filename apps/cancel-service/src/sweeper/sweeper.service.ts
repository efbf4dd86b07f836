import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PeriodicService } from '@app/common';
import { withCorrelation } from '@app/observability';
import { CancellationService } from '../cancellation/cancellation.service';

/**
 * The backstop for a lost or late timeout message: every SWEEPER_INTERVAL_MS it cancels orders left
 * PENDING more than SWEEPER_GRACE_MS past expires_at, and finishes releases a crash interrupted.
 * The grace leaves the normal path (the timeout message) to do its job first.
 */
@Injectable()
export class SweeperService extends PeriodicService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cancellation: CancellationService,
  ) {
    super('sweep', config.SWEEPER_INTERVAL_MS);
  }

  protected tick(): Promise<unknown> {
    return this.sweepOnce();
  }

  // A failure means a dependency is down: the task logs it and the next sweep tries again; nothing is lost.
  private async sweepOnce(): Promise<void> {
    const swept = await withCorrelation(undefined, () =>
      this.cancellation.sweep(this.config.SWEEPER_GRACE_MS),
    );
    if (swept.cancelled > 0 || swept.finished > 0) this.logger.log({ msg: 'sweep', ...swept });
  }
}
