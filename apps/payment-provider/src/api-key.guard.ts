import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { secretMatcher } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { unauthorized } from '@app/common';

/** The merchant's calls (create, capture, refund, statement): `Authorization: Bearer <API key>`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly isApiKey: (key: string) => boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.isApiKey = secretMatcher(config.PAYMENT_PROVIDER_API_KEY);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const key = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!this.isApiKey(key)) throw unauthorized('a valid API key is required');
    return true;
  }
}
