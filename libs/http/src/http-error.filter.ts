import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { answerThrown } from '@app/common';

/** Nest's end of the one mapping of errors to HTTP (answerThrown, libs/common/src/error-response.ts). */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const { status, body } = answerThrown(exception, this.logger, {
      method: request.method,
      url: request.url,
    });
    void reply.status(status).send(body);
  }
}
