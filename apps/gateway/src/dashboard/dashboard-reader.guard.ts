import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { secretMatcher } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppError, parseWith } from '@app/common';

const tokenQuery = z.string().max(200).optional();

/**
 * Who may read the dashboard's data: nobody while it is off; with a read token (DASHBOARD_TOKEN), who
 * gives it as `?token=` (an EventSource cannot send headers) or as a bearer token.
 */
@Injectable()
export class DashboardReaderGuard implements CanActivate {
  private readonly isToken?: (token: string) => boolean;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.isToken = config.DASHBOARD_TOKEN ? secretMatcher(config.DASHBOARD_TOKEN) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Querystring: { token?: unknown } }>>();
    const queryToken = parseWith(tokenQuery, request.query?.token, 'token');
    if (!this.config.DASHBOARD_ENABLED) throw new AppError('NOT_FOUND', 404, 'the dashboard is off');
    if (!this.isToken) return true;
    const given = queryToken ?? /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (given === undefined || !this.isToken(given)) {
      throw new AppError('FORBIDDEN', 403, 'the dashboard token is required');
    }
    return true;
  }
}
