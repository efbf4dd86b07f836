import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HttpErrorFilter, toErrorResponse } from '@app/http';
import { counter } from '@app/observability';
import { PurchaseRefused } from '../risk/refusal';

const rejections = counter(
  'seckill_purchase_rejections_total',
  'Refused purchases by reason and by where it was decided (memory: no Redis call; redis: the reservation script; request: authentication or validation)',
  ['reason', 'decided_by'],
);

/**
 * Counts every refused purchase (4xx) in /metrics by reason, including those refused before the handler
 * (token, validation), adds Retry-After to rate-limit refusals, then answers like every other error.
 */
@Catch()
export class PurchaseRejectionsFilter implements ExceptionFilter {
  private readonly errors = new HttpErrorFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body } = toErrorResponse(exception);
    if (exception instanceof PurchaseRefused) {
      rejections.inc({ reason: exception.reason, decided_by: exception.decidedBy });
      if (exception.retryAfterMs) {
        const reply = host.switchToHttp().getResponse<FastifyReply>();
        void reply.header('retry-after', String(Math.max(1, Math.ceil(exception.retryAfterMs / 1000))));
      }
    } else if (status >= 400 && status < 500) {
      rejections.inc({ reason: body.code, decided_by: 'request' });
    }
    this.errors.catch(exception, host);
  }
}
