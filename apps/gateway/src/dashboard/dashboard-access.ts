import { Injectable, Inject } from '@nestjs/common';
import { secretMatcher } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppError, unavailable } from '@app/common';

/**
 * Who may read the dashboard's data, and how many may stream it at once. The read token is optional
 * (DASHBOARD_TOKEN): given as `?token=` (an EventSource cannot send headers) or as a bearer token.
 * The viewer cap bounds the open streams of this instance: beyond it a clear 503.
 */
@Injectable()
export class DashboardAccess {
  private readonly isToken?: (token: string) => boolean;
  private viewers = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.isToken = config.DASHBOARD_TOKEN ? secretMatcher(config.DASHBOARD_TOKEN) : undefined;
  }

  check(queryToken: string | undefined, authorization: string | undefined): void {
    if (!this.config.DASHBOARD_ENABLED) throw new AppError('NOT_FOUND', 404, 'the dashboard is off');
    if (!this.isToken) return;
    const given = queryToken ?? /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (given === undefined || !this.isToken(given)) {
      throw new AppError('FORBIDDEN', 403, 'the dashboard token is required');
    }
  }

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
