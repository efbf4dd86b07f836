import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppError } from '@app/common';
import { clientIp, IpRateLimit } from './client-ip';

/**
 * The per-IP limit (RATE_LIMIT_IP_*) in front of the public reads that cost Redis or PostgreSQL
 * (an activity, a purchase's result, the dashboard's data): nobody can turn those into an unbounded
 * stream of reads. Purchases have their own place in the risk chain (RiskChecks).
 */
@Injectable()
export class ReadLimitGuard implements CanActivate {
  private readonly limits: IpRateLimit;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.limits = new IpRateLimit(config);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const ip = clientIp(request.ip, request.headers['x-forwarded-for'], this.config.TRUST_PROXY);
    const wait = this.limits.take(ip, Date.now());
    if (wait === 0) return true;
    throw new AppError('RATE_LIMITED', 429, 'too many requests from this address; slow down', {
      limit: 'ip',
      retryAfterMs: wait,
    });
  }
}
