import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from '@app/common';

/** The one place where errors become HTTP responses. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const { status, body, internal } = toErrorResponse(exception);
    if (internal) {
      const err = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(
        { msg: 'unhandled error', method: request.method, url: request.url, err: err.message },
        err.stack,
      );
    }
    void reply.status(status).send(body);
  }
}
