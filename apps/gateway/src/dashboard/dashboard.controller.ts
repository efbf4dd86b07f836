import { Controller, Get, Header, MessageEvent, Query, Sse } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Observable, exhaustMap, from, interval, startWith } from 'rxjs';
import { z } from 'zod';
import { parseWith } from '@app/http';
import { DashboardService, DashboardSnapshot } from './dashboard.service';

const page = readFileSync(join(__dirname, 'dashboard.html'), 'utf8');
// The browser build sits next to the package's main file (its `exports` map does not list it).
const chartJs = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
const activityQuery = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .optional();

/** A live view of a sale: `/dashboard?activity=<id>` (the latest activity by default). */
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

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

  @Get('snapshot')
  snapshot(@Query('activity') activity?: string): Promise<DashboardSnapshot> {
    return this.dashboard.snapshot(parseWith(activityQuery, activity, 'activity'));
  }

  /** Server-sent events: one snapshot a second for as long as the page is open. */
  @Sse('events')
  events(@Query('activity') activity?: string): Observable<MessageEvent> {
    const id = parseWith(activityQuery, activity, 'activity');
    return interval(1_000).pipe(
      startWith(0),
      // exhaustMap, not switchMap: a snapshot slower than the tick (a busy database) must still be shown.
      exhaustMap(() =>
        from(
          this.dashboard.snapshot(id).then(
            (data) => ({ data }),
            (err: Error) => ({ data: { error: err.message } }),
          ),
        ),
      ),
    );
  }
}
