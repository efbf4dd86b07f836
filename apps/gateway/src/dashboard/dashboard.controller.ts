import { Controller, Get, Header, Inject, MessageEvent, Query, Sse, UseGuards } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Observable, concat, defer, exhaustMap, finalize, from, interval, map } from 'rxjs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { parseWith } from '@app/common';
import { activityIdSchema } from '@app/contracts';
import { ReadLimitGuard } from '../risk/read-limit.guard';
import { DashboardAccess } from './dashboard-access';
import { DashboardReaderGuard } from './dashboard-reader.guard';
import { DashboardFeed, FeedValue } from './dashboard.feed';
import { DashboardSnapshot } from './dashboard.service';

const page = readFileSync(join(__dirname, 'dashboard.html'), 'utf8');
// The browser build sits next to the package's main file (its `exports` map does not list it).
const chartJs = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
// Only the glyphs of the page's own CJK text (scripts/cjk-font.sh): a machine without CJK fonts shows them too.
const cjkFont = readFileSync(join(__dirname, 'fonts', 'seckill-cjk.woff2'));
const requiredActivityQuery = activityIdSchema;
const activityQuery = requiredActivityQuery.optional();

/** A live view of a sale: `/dashboard?activity=<id>` (the latest activity by default). */
@Controller('dashboard')
export class DashboardController {
  constructor(
    private readonly feed: DashboardFeed,
    private readonly access: DashboardAccess,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return page;
  }

  @Get('chart.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=86400')
  chart(): string {
    return chartJs;
  }

  @Get('cjk.woff2')
  @Header('content-type', 'font/woff2')
  @Header('cache-control', 'public, max-age=86400')
  font(): Buffer {
    return cjkFont;
  }

  @Get('snapshot')
  @UseGuards(ReadLimitGuard, DashboardReaderGuard)
  snapshot(@Query('activity') activity?: string): Promise<FeedValue> {
    return this.feed.latest(parseWith(activityQuery, activity, 'activity'));
  }

  /** The activity's recorded snapshots, oldest first (the last DASHBOARD_HISTORY_POINTS intervals). */
  @Get('history')
  @UseGuards(ReadLimitGuard, DashboardReaderGuard)
  history(@Query('activity') activity?: string): { points: DashboardSnapshot[] } {
    const id = parseWith(requiredActivityQuery, activity, 'activity');
    return { points: this.feed.recorded(id) };
  }

  /**
   * Server-sent events: first a `history` event with what was recorded of the activity (so a page opened
   * late draws the sale from its start), then the activity's shared snapshot, every interval.
   */
  @Sse('events')
  @UseGuards(ReadLimitGuard, DashboardReaderGuard)
  events(@Query('activity') activity?: string): Observable<MessageEvent> {
    const id = parseWith(activityQuery, activity, 'activity');
    const leave = this.access.admit();
    const history = defer(() => this.feed.latest(id)).pipe(map((first) => this.historyEvent(first)));
    const live = interval(this.config.DASHBOARD_INTERVAL_MS).pipe(
      // exhaustMap, not switchMap: a snapshot slower than the tick (a busy database) must still be shown.
      exhaustMap(() => from(this.feed.latest(id))),
      map((data) => ({ data })),
    );
    return concat(history, live).pipe(finalize(leave));
  }

  private historyEvent(first: FeedValue): MessageEvent {
    if ('error' in first) return { data: first };
    const points = first.activity ? this.feed.recorded(first.activity.id) : [first];
    return { type: 'history', data: { points, limit: this.config.DASHBOARD_HISTORY_POINTS } };
  }
}
