import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Ip,
  Param,
  Post,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { BuyerGuard, BuyerId } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ZodValidationPipe, parseWith } from '@app/http';
import { activityIdSchema } from '../activities/create-activity.dto';
import { PurchaseTokenGuard } from '../defences/purchase-token.guard';
import { clientIp } from '../risk/client-ip';
import { ReadLimitGuard } from '../risk/read-limit.guard';
import { PurchaseRejectionsFilter } from './purchase-rejections.filter';
import { PurchaseDto, idempotencyKeySchema, purchaseSchema } from './purchase.dto';
import { PurchaseResult, Queued, SeckillService } from './seckill.service';

@Controller('api/seckill')
@UseGuards(BuyerGuard)
export class SeckillController {
  constructor(
    private readonly seckill: SeckillService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 202: the stock is reserved and the order is on its way; poll `/result` or read the order. */
  @Post(':activityId')
  @HttpCode(202)
  @UseFilters(PurchaseRejectionsFilter)
  @UseGuards(PurchaseTokenGuard)
  purchase(
    @Param('activityId', new ZodValidationPipe(activityIdSchema, 'activity id')) activityId: number,
    @BuyerId() userId: string,
    @Body(new ZodValidationPipe(purchaseSchema.default({}), 'purchase')) body: PurchaseDto,
    @Ip() socketAddress: string,
    @Headers('x-forwarded-for') forwardedFor?: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<Queued> {
    return this.seckill.purchase({
      activityId,
      userId,
      ip: clientIp(socketAddress, forwardedFor, this.config.TRUST_PROXY),
      quantity: body.quantity,
      idempotencyKey: parseWith(idempotencyKeySchema, idempotencyKey, 'Idempotency-Key'),
    });
  }

  @Get(':activityId/result')
  @UseGuards(ReadLimitGuard)
  result(
    @Param('activityId', new ZodValidationPipe(activityIdSchema, 'activity id')) activityId: number,
    @BuyerId() buyerId: string,
  ): Promise<PurchaseResult> {
    return this.seckill.result(activityId, buyerId);
  }
}
