import { Body, Controller, Headers, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ZodValidationPipe, unavailable } from '@app/common';
import { ApiKeyGuard } from '../api-key.guard';
import { TestSwitches } from '../switches/test-switches';
import { PaymentBook, Refund } from './payment-book';
import { createRefundSchema, idempotencyKey } from './payment-requests';

@Controller('v1/refunds')
@UseGuards(ApiKeyGuard)
export class RefundsController {
  constructor(
    private readonly book: PaymentBook,
    private readonly switches: TestSwitches,
  ) {}

  /** 201 with a new refund (and a payment.refunded callback), or 200 with the one this key already made. */
  @Post()
  create(
    @Headers('idempotency-key') key: string | undefined,
    @Body(new ZodValidationPipe(createRefundSchema, 'refund')) body: z.infer<typeof createRefundSchema>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Refund {
    if (this.switches.value.failRefunds) throw unavailable('the provider is down (test switch failRefunds)');
    const { refund, created } = this.book.refund(idempotencyKey(key), body.paymentId, body.amount);
    void reply.status(created ? 201 : 200);
    return refund;
  }
}
