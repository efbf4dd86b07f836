import { Body, Controller, Get, Headers, Inject, Ip, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { BuyerGuard, BuyerId } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ZodValidationPipe } from '@app/common';
import { activityIdSchema } from '@app/contracts';
import { clientIp } from '../risk/client-ip';
import { ReadLimitGuard } from '../risk/read-limit.guard';
import { proofSchema } from '../defences/proof-of-work';
import { QueueAnswer, WaitingRoom } from './waiting-room.service';

export const QUEUE_TICKET_HEADER = 'queue-ticket';

/**
 * `POST /api/seckill/:activityId/queue` (join: 201 with a new place, 200 with the one already held) and
 * `GET` (poll, with the join's `Queue-Ticket` header). Both need the buyer's token.
 */
@Controller('api/seckill')
@UseGuards(BuyerGuard)
export class WaitingRoomController {
  constructor(
    private readonly room: WaitingRoom,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post(':activityId/queue')
  @UseGuards(ReadLimitGuard)
  async join(
    @Param('activityId', new ZodValidationPipe(activityIdSchema, 'activity id')) activityId: number,
    @BuyerId() userId: string,
    @Body(new ZodValidationPipe(proofSchema, 'proof')) proof: z.infer<typeof proofSchema>,
    @Ip() socketAddress: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-forwarded-for') forwardedFor?: string,
  ): Promise<QueueAnswer> {
    const ip = clientIp(socketAddress, forwardedFor, this.config.TRUST_PROXY);
    const { fresh, ...answer } = await this.room.join({ activityId, userId, ip }, proof);
    void reply.code(fresh ? 201 : 200);
    return answer;
  }

  @Get(':activityId/queue')
  poll(
    @Param('activityId', new ZodValidationPipe(activityIdSchema, 'activity id')) activityId: number,
    @BuyerId() userId: string,
    @Ip() socketAddress: string,
    @Headers(QUEUE_TICKET_HEADER) ticket?: string,
    @Headers('x-forwarded-for') forwardedFor?: string,
  ): Promise<QueueAnswer> {
    const ip = clientIp(socketAddress, forwardedFor, this.config.TRUST_PROXY);
    return this.room.poll({ activityId, userId, ip }, ticket);
  }
}
