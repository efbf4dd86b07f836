import { Body, Controller, HttpCode, Inject, Ip, Param, Post, UseGuards, Headers } from '@nestjs/common';
import { z } from 'zod';
import { BuyerGuard, BuyerId } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ZodValidationPipe } from '@app/common';
import { activityIdSchema } from '@app/contracts';
import { clientIp } from '../risk/client-ip';
import { ReadLimitGuard } from '../risk/read-limit.guard';
import { proofSchema } from './proof-of-work';
import { Challenge, PurchaseTickets, PurchaseToken } from './purchase-tickets.service';

/** The steps before a purchase in an activity with defences: a challenge (if any), then a token. */
@Controller('api/seckill')
@UseGuards(BuyerGuard, ReadLimitGuard)
export class DefencesController {
  constructor(
    private readonly tickets: PurchaseTickets,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post(':activityId/challenge')
  @HttpCode(201)
  challenge(
    @Param('activityId', new ZodValidationPipe(activityIdSchema, 'activity id')) activityId: number,
    @BuyerId() userId: string,
    @Ip() socketAddress: string,
    @Headers('x-forwarded-for') forwardedFor?: string,
  ): Promise<Challenge> {
    const ip = clientIp(socketAddress, forwardedFor, this.config.TRUST_PROXY);
    return this.tickets.challenge({ activityId, userId, ip });
  }

  @Post(':activityId/token')
  @HttpCode(201)
  token(
    @Param('activityId', new ZodValidationPipe(activityIdSchema, 'activity id')) activityId: number,
    @BuyerId() userId: string,
    @Body(new ZodValidationPipe(proofSchema, 'proof')) proof: z.infer<typeof proofSchema>,
    @Ip() socketAddress: string,
    @Headers('x-forwarded-for') forwardedFor?: string,
  ): Promise<PurchaseToken> {
    const ip = clientIp(socketAddress, forwardedFor, this.config.TRUST_PROXY);
    return this.tickets.token({ activityId, userId, ip }, proof);
  }
}
