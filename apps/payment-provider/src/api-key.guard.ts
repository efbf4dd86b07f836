import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { unauthorized } from '@app/common';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The merchant's calls (create, capture, refund, statement): `Authorization: Bearer <API key>`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = digest(config.PAYMENT_PROVIDER_API_KEY);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const key = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!timingSafeEqual(digest(key), this.expected)) throw unauthorized('a valid API key is required');
    return true;
  }
}
