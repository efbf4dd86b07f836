import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { BuyerGuard, BuyerId } from '@app/auth';
import { ZodValidationPipe } from '@app/common';
import { activityIdSchema } from '@app/contracts';
import { PurchaseResult, SeckillService } from './seckill.service';
import { ReadLimitGuard } from '../risk/read-limit.guard';

/** The purchase itself (`POST /api/seckill/:activityId`) is served by PurchaseRoute, on Fastify directly. */
@Controller('api/seckill')
@UseGuards(BuyerGuard)
export class SeckillController {
  constructor(private readonly seckill: SeckillService) {}

  @Get(':activityId/result')
  @UseGuards(ReadLimitGuard)
  result(
    @Param('activityId', new ZodValidationPipe(activityIdSchema, 'activity id')) activityId: number,
    @BuyerId() buyerId: string,
  ): Promise<PurchaseResult> {
    return this.seckill.result(activityId, buyerId);
  }
}
