import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { IncomingMessage, ServerResponse } from 'node:http';
import { answerThrown, toErrorResponse } from '@app/common';
import {
  HotRoute,
  JsonBodyParser,
  correlationIdFor,
  hotRoutesOf,
  jsonBodyParser,
  observeHttp,
} from '@app/http';
import { ACTIVITY_ID_PATTERN } from '@app/contracts';
import { CORRELATION_HEADER } from '@app/observability';
import { PURCHASE_TOKEN_HEADER } from '../defences/purchase-tokens';
import { ADMISSION_TOKEN_HEADER } from '../waiting-room/admission-tokens';
import { PurchaseAnswer, PurchaseEndpoint, purchaseAnswer } from './purchase.endpoint';
import { PURCHASE_PATH } from './purchase.route';

/** The plain path, its id by the purchase's rule (the id's range is checked by readPurchase, as on Fastify). */
const PATH = new RegExp(`^/api/seckill/(${ACTIVITY_ID_PATTERN.source.slice(1, -1)})$`);
const JSON_CONTENT = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;
/** `{"quantity": 1000}` with room to spare; anything longer is left to Fastify's body limit. */
const MAX_BODY = 1_024;

/**
 * The purchase as the crowd sends it — POST to the plain path, a JSON body of known length — served by
 * node:http directly, ahead of Fastify: the framework's per-request cost is most of a refusal's cost, and
 * refusals are most of a sale's answers. Everything it does not claim (another content type, a chunked or empty
 * body, a query string, a long body) goes to PurchaseRoute on Fastify, and both answer through PurchaseEndpoint
 * with the same body parser, so a request gets the same answer whichever way it went.
 */
@Injectable()
export class PurchaseHotRoute implements HotRoute, OnModuleInit {
  private readonly logger = new Logger(PurchaseHotRoute.name);
  private parse?: JsonBodyParser;

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly endpoint: PurchaseEndpoint,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    const hotRoutes = fastify && hotRoutesOf(fastify);
    if (!hotRoutes) return; // a server not made by createService: the Fastify route serves every purchase
    this.parse = jsonBodyParser(fastify);
    hotRoutes.add(this);
  }

  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || !this.parse) return false;
    const path = PATH.exec(req.url ?? '');
    const { headers } = req;
    const length = Number(headers['content-length']);
    if (!path || !(length > 0 && length <= MAX_BODY) || headers['transfer-encoding'] !== undefined)
      return false;
    if (!JSON_CONTENT.test(headers['content-type'] ?? '')) return false;

    const started = performance.now();
    const correlationId = correlationIdFor(headers[CORRELATION_HEADER]);
    const reply = (answer: PurchaseAnswer) => this.reply(res, answer, correlationId, started);
    const buyer = this.endpoint.authenticate(headers.authorization);
    if (typeof buyer !== 'string') {
      reply(buyer); // the body is never read; node:http discards it
      return true;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      this.parse!(Buffer.concat(chunks).toString('utf8'), (err, body) => {
        if (err) return reply(purchaseAnswer(toErrorResponse(err)));
        this.endpoint
          .answer(buyer, {
            activityId: path[1],
            body,
            idempotencyKey: headers['idempotency-key'],
            purchaseToken: headers[PURCHASE_TOKEN_HEADER],
            admissionToken: headers[ADMISSION_TOKEN_HEADER],
            socketAddress: req.socket.remoteAddress,
            forwardedFor: headers['x-forwarded-for'],
            correlationId,
          })
          .then(reply, (error: unknown) =>
            reply(purchaseAnswer(answerThrown(error, this.logger, { correlationId }))),
          );
      });
    });
    return true;
  }

  private reply(res: ServerResponse, answer: PurchaseAnswer, correlationId: string, started: number): void {
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(answer.json),
      [CORRELATION_HEADER]: correlationId,
    };
    if (answer.retryAfterS) headers['retry-after'] = String(answer.retryAfterS);
    res.writeHead(answer.status, headers).end(answer.json);
    observeHttp('POST', PURCHASE_PATH, answer.status, (performance.now() - started) / 1000);
  }
}
