import { CanActivate, ExecutionContext, Inject, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { TokenPolicy, tokenPolicy, verifyBuyerToken } from './buyer-token';

type BuyerRequest = FastifyRequest & { buyerId?: string };

/** Admits requests that carry a valid buyer token; the handler reads the id with `@BuyerId()`. */
@Injectable()
export class BuyerGuard implements CanActivate {
  private readonly policy: TokenPolicy;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.policy = tokenPolicy(config);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<BuyerRequest>();
    const { authorization } = request.headers;
    request.buyerId = verifyBuyerToken(authorization, this.config.JWT_SECRET, this.policy);
    return true;
  }
}

/** The authenticated buyer's id: always the token's `sub`, never a value from the body. */
export const BuyerId = createParamDecorator(
  (_: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<BuyerRequest>().buyerId as string,
);
