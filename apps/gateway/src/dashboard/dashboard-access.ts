import { Injectable, Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { unavailable } from '@app/common';

/**
 * How many may stream the dashboard at once (who may read it at all is DashboardReaderGuard's): the
 * viewer cap bounds the open streams of this instance; beyond it a clear 503.
 */
@Injectable()
export class DashboardAccess {
  private viewers = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Takes a viewer's place, or refuses; the returned function gives it back (once). */
  admit(): () => void {
    if (this.viewers >= this.config.DASHBOARD_MAX_VIEWERS) {
      throw unavailable(`the dashboard has its maximum of ${this.config.DASHBOARD_MAX_VIEWERS} viewers`);
    }
    this.viewers++;
    let released = false;
    return () => {
      if (!released) this.viewers--;
      released = true;
    };
  }

  get open(): number {
    return this.viewers;
  }
}
