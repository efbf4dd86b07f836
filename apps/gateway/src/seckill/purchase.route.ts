import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PURCHASE_TOKEN_HEADER } from '../defences/purchase-tokens';
import { ADMISSION_TOKEN_HEADER } from '../waiting-room/admission-tokens';
import { PurchaseAnswer, PurchaseEndpoint } from './purchase.endpoint';

type BuyerRequest = FastifyRequest<{ Params: { activityId: string } }> & { buyerId?: string };

export const PURCHASE_PATH = '/api/seckill/:activityId';

/**
 * The purchase on Fastify directly — no Nest guard, pipe, interceptor or filter per request. It takes every
 * purchase PurchaseHotRoute leaves to the framework (and every one sent with `inject`): unusual content types,
 * chunked or empty bodies, query strings. Body parsing, its limits and the answers to malformed requests are
 * Fastify's and the service's, as for every route.
 */
@Injectable()
export class PurchaseRoute implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly endpoint: PurchaseEndpoint,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.route<{ Params: { activityId: string } }>({
      method: 'POST',
      url: PURCHASE_PATH,
      onRequest: (req: BuyerRequest, reply, done) => {
        const buyer = this.endpoint.authenticate(req.headers.authorization);
        if (typeof buyer !== 'string') return void send(reply, buyer);
        req.buyerId = buyer;
        done();
      },
      handler: async (req: BuyerRequest, reply) =>
        send(
          reply,
          await this.endpoint.answer(req.buyerId!, {
            activityId: req.params.activityId,
            body: req.body,
            idempotencyKey: req.headers['idempotency-key'],
            purchaseToken: req.headers[PURCHASE_TOKEN_HEADER],
            admissionToken: req.headers[ADMISSION_TOKEN_HEADER],
            socketAddress: req.ip,
            forwardedFor: req.headers['x-forwarded-for'],
            correlationId: req.id,
          }),
        ),
    });
  }
}

function send(reply: FastifyReply, answer: PurchaseAnswer): FastifyReply {
  if (answer.retryAfterS) void reply.header('retry-after', String(answer.retryAfterS));
  return reply
    .code(answer.status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(answer.json);
}
