import { Body, Controller, Get, Headers, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { BuyerGuard, BuyerId } from '@app/auth';
import { ZodValidationPipe, parseWith } from '@app/http';
import { activityIdSchema } from '../activities/create-activity.dto';
import { PurchaseDto, idempotencyKeySchema, purchaseSchema } from './purchase.dto';
import { PurchaseResult, Queued, SeckillService } from './seckill.service';

@Controller('api/seckill')
@UseGuards(BuyerGuard)
export class SeckillController {
  constructor(private readonly seckill: SeckillService) {}

  /** 202: the stock is reserved and the order is on its way; poll `/result` or read the order. */
  @Post(':activityId')
  @HttpCode(202)
  purchase(
    @Param('activityId', new ZodValidationPipe(activityIdSchema, 'activity id')) activityId: number,
    @BuyerId() buyerId: string,
    @Body(new ZodValidationPipe(purchaseSchema.default({}), 'purchase')) body: PurchaseDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<Queued> {
    const key = parseWith(idempotencyKeySchema, idempotencyKey, 'Idempotency-Key');
    return this.seckill.purchase(activityId, buyerId, body.quantity, key);
  }

  @Get(':activityId/result')
  result(
    @Param('activityId', new ZodValidationPipe(activityIdSchema, 'activity id')) activityId: number,
    @BuyerId() buyerId: string,
  ): Promise<PurchaseResult> {
    return this.seckill.result(activityId, buyerId);
  }
}
