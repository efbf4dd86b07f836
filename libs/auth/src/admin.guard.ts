import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { forbidden } from '@app/common';
import { bearer } from './buyer-token';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Admin endpoints: the bearer must be ADMIN_TOKEN (compared in constant time). */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = digest(config.ADMIN_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const token = bearer(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    if (!timingSafeEqual(digest(token), this.expected)) throw forbidden('the admin token is required');
    return true;
  }
}
