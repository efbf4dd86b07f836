import { CanActivate, ExecutionContext, Inject, Injectable, Type, mixin } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { bearerToken } from './buyer-token';
import { secretMatcher } from './secret-match';

/**
 * A guard that lets a call through only with one configured secret as `Authorization: Bearer <secret>`,
 * compared in constant time. `refuse` gets the token presented (undefined: none) and returns the error.
 */
export function bearerSecretGuard(
  secretOf: (config: AppConfig) => string,
  refuse: (token: string | undefined) => Error,
): Type<CanActivate> {
  @Injectable()
  class BearerSecretGuard implements CanActivate {
    private readonly matches: (token: string) => boolean;

    constructor(@Inject(APP_CONFIG) config: AppConfig) {
      this.matches = secretMatcher(secretOf(config));
    }

    canActivate(context: ExecutionContext): boolean {
      const token = bearerToken(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
      if (token === undefined || !this.matches(token)) throw refuse(token);
      return true;
    }
  }
  return mixin(BearerSecretGuard);
}
