import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readBuyerToken } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ErrorBody, unavailable } from '@app/http';
import { counter } from '@app/observability';
import { clientIp } from '../risk/client-ip';
import { Refusal, refusalAnswer } from '../risk/refusal';
import { readPurchase } from './purchase.request';
import { SeckillService } from './seckill.service';

const rejections = counter(
  'seckill_purchase_rejections_total',
  'Refused purchases by reason and by where it was decided (memory: no Redis call; redis: the reservation script; request: authentication or validation)',
  ['reason', 'decided_by'],
);

type BuyerRequest = FastifyRequest<{ Params: { activityId: string } }> & { buyerId?: string };

const JSON_TYPE = 'application/json; charset=utf-8';
const UNAVAILABLE_JSON = JSON.stringify(toBody(unavailable()));

/**
 * `POST /api/seckill/:activityId`, the one route that takes the flash crowd, served by Fastify directly:
 * no Nest guard, pipe, interceptor or exception filter per request, and refusals — most answers of a sale —
 * are values whose JSON is made once. Every other route stays a Nest controller. Body parsing, its limits and
 * the error answers of malformed requests are Fastify's and the service's, as for every route.
 */
@Injectable()
export class PurchaseRoute implements OnModuleInit {
  /** A refusal that carries nothing but its reason has one answer: serialised once. */
  private readonly answers = new Map<Refusal, { status: number; json: string }>();
  private readonly counters = new Map<string, ReturnType<typeof rejections.labels>>();

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly seckill: SeckillService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.route<{ Params: { activityId: string } }>({
      method: 'POST',
      url: '/api/seckill/:activityId',
      // Authentication before the body is read: a forged token is 401 whatever it sends.
      onRequest: (req, reply, done) => this.authenticate(req, reply, done),
      handler: (req, reply) => this.purchase(req, reply),
    });
  }

  private authenticate(req: BuyerRequest, reply: FastifyReply, done: () => void): void {
    const buyer = readBuyerToken(req.headers.authorization, this.config.JWT_SECRET);
    if (typeof buyer === 'string') {
      req.buyerId = buyer;
      return done();
    }
    this.count('UNAUTHORIZED', 'request');
    void send(reply, 401, JSON.stringify({ code: 'UNAUTHORIZED', message: buyer.refused }));
  }

  private async purchase(req: BuyerRequest, reply: FastifyReply): Promise<FastifyReply> {
    const input = readPurchase(req.params.activityId, req.body, req.headers['idempotency-key']);
    if ('invalid' in input) {
      this.count(input.invalid.code, 'request');
      return send(reply, 400, JSON.stringify(input.invalid));
    }
    const outcome = await this.seckill.purchase({
      ...input,
      userId: req.buyerId!,
      ip: clientIp(req.ip, req.headers['x-forwarded-for'], this.config.TRUST_PROXY),
      correlationId: req.id,
    });
    if (outcome.kind === 'queued') {
      return send(reply, 202, `{"orderId":"${outcome.orderId}","status":"QUEUED"}`);
    }
    if (outcome.kind === 'unavailable') return send(reply, 503, UNAVAILABLE_JSON);
    const { refusal } = outcome;
    this.count(refusal.reason, refusal.decidedBy);
    if (refusal.retryAfterMs) {
      void reply.header('retry-after', String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))));
    }
    const answer = this.answerOf(refusal);
    return send(reply, answer.status, answer.json);
  }

  private answerOf(refusal: Refusal): { status: number; json: string } {
    const cached = this.answers.get(refusal);
    if (cached) return cached;
    const { status, body } = refusalAnswer(refusal);
    const answer = { status, json: JSON.stringify(body) };
    // Only the shared refusal objects (MEMORY_REFUSALS) come back: the others are made per purchase.
    if (Object.isFrozen(refusal)) this.answers.set(refusal, answer);
    return answer;
  }

  private count(reason: string, decidedBy: string): void {
    const key = `${reason}|${decidedBy}`;
    let child = this.counters.get(key);
    if (!child) this.counters.set(key, (child = rejections.labels(reason, decidedBy)));
    child.inc();
  }
}

function send(reply: FastifyReply, status: number, json: string): FastifyReply {
  return reply.code(status).header('content-type', JSON_TYPE).send(json);
}

function toBody(err: { code: string; message: string }): ErrorBody {
  return { code: err.code, message: err.message };
}
