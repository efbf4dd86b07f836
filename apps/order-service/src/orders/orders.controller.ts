import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { BuyerGuard, BuyerId } from '@app/auth';
import { ZodValidationPipe } from '@app/common';
import { OrderView } from './order.view';
import { OrdersService } from './orders.service';

const orderIdPipe = new ZodValidationPipe(z.string().uuid('must be a UUID'), 'order id');

@Controller('api/orders')
@UseGuards(BuyerGuard)
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get(':id')
  get(@Param('id', orderIdPipe) id: string, @BuyerId() buyerId: string): Promise<OrderView> {
    return this.orders.get(id, buyerId);
  }

  /** 200 with the PAID order, or 409 ORDER_NOT_PAYABLE with the current status. */
  @Post(':id/pay')
  @HttpCode(200)
  pay(@Param('id', orderIdPipe) id: string, @BuyerId() buyerId: string): Promise<OrderView> {
    return this.orders.pay(id, buyerId);
  }
}
