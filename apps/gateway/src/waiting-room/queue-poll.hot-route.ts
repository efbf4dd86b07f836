import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { IncomingMessage, ServerResponse } from 'node:http';
import { TokenPolicy, TokenRefusal, readBuyerToken, tokenPolicy } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { answerThrown, errorAnswer } from '@app/common';
import { correlationIdFor, hotRoutesOf, HotRoute, observeHttp } from '@app/http';
import { ACTIVITY_ID_PATTERN, MAX_ACTIVITY_ID } from '@app/contracts';
import { CORRELATION_HEADER } from '@app/observability';
import { clientIp } from '../risk/client-ip';
import { QUEUE_TICKET_HEADER } from './waiting-room.controller';
import { WaitingRoom } from './waiting-room.service';

const PATH = new RegExp(`^/api/seckill/(${ACTIVITY_ID_PATTERN.source.slice(1, -1)})/queue$`);
const POLL_ROUTE = '/api/seckill/:activityId/queue';

/**
 * The poll as a waiting crowd sends it — GET on the plain path, every second or two per buyer — served by
 * node:http ahead of Fastify, as the purchase is (PurchaseHotRoute): the framework's per-request cost
 * would be most of a poll's, which is otherwise a signature check and a look at the room's copy. Anything
 * else (a query string, another method) goes to WaitingRoomController, which gives the same answers.
 */
@Injectable()
export class QueuePollHotRoute implements HotRoute, OnModuleInit {
  private readonly logger = new Logger(QueuePollHotRoute.name);
  private readonly policy: TokenPolicy;
  /** The 401 of each reason a token is refused for (a few shared values), as JSON made once. */
  private readonly unauthorized = new Map<TokenRefusal, string>();
  private enabled = false;

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly room: WaitingRoom,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.policy = tokenPolicy(config);
  }

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    const hotRoutes = fastify && hotRoutesOf(fastify);
    if (!hotRoutes) return;
    hotRoutes.add(this);
    this.enabled = true;
  }

  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' || !this.enabled) return false;
    const path = PATH.exec(req.url ?? '');
    const activityId = Number(path?.[1]);
    if (!path || activityId > MAX_ACTIVITY_ID) return false; // Fastify's route answers the id's 400

    const started = performance.now();
    const { headers } = req;
    const correlationId = correlationIdFor(headers[CORRELATION_HEADER]);
    const reply = (status: number, json: string) => {
      res
        .writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(json),
          [CORRELATION_HEADER]: correlationId,
        })
        .end(json);
      observeHttp('GET', POLL_ROUTE, status, (performance.now() - started) / 1000);
    };
    const buyer = readBuyerToken(headers.authorization, this.config.JWT_SECRET, this.policy);
    if (typeof buyer !== 'string') {
      let json = this.unauthorized.get(buyer);
      if (json === undefined) {
        json = JSON.stringify(errorAnswer(401, 'UNAUTHORIZED', buyer.refused).body);
        this.unauthorized.set(buyer, json);
      }
      reply(401, json);
      return true;
    }
    const ticket = headers[QUEUE_TICKET_HEADER];
    const ip = clientIp(req.socket.remoteAddress, headers['x-forwarded-for'], this.config.TRUST_PROXY);
    this.room
      .poll(
        { activityId: Number(path[1]), userId: buyer, ip },
        typeof ticket === 'string' ? ticket : undefined,
      )
      .then(
        (answer) => reply(200, JSON.stringify(answer)),
        (err: unknown) => {
          const { status, body } = answerThrown(err, this.logger, { correlationId });
          reply(status, JSON.stringify(body));
        },
      );
    return true;
  }
}
