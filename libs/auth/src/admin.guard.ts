import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { forbidden } from '@app/common';
import { bearer } from './buyer-token';
import { secretMatcher } from './secret-match';

/** Admin endpoints: the bearer must be ADMIN_TOKEN (compared in constant time). */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly isAdminToken: (token: string) => boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.isAdminToken = secretMatcher(config.ADMIN_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const token = bearer(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    if (!this.isAdminToken(token)) throw forbidden('the admin token is required');
    return true;
  }
}
