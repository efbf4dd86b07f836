import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ZodValidationPipe, unavailable } from '@app/common';
import { ApiKeyGuard } from '../api-key.guard';
import { TestSwitches } from '../switches/test-switches';
import { PaymentBook } from './payment-book';
import {
  completePaymentSchema,
  createPaymentSchema,
  idempotencyKey,
  paymentIdSchema,
} from './payment-requests';
import { PaymentView, toPaymentView } from './provider-payment';

const idPipe = new ZodValidationPipe(paymentIdSchema, 'payment id');

@Controller('v1/payments')
export class PaymentsController {
  private readonly baseUrl: string;

  constructor(
    private readonly book: PaymentBook,
    private readonly switches: TestSwitches,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.baseUrl = config.PAYMENT_PROVIDER_URL;
  }

  /** 201 with a new payment, or 200 with the one this Idempotency-Key already created. */
  @Post()
  @UseGuards(ApiKeyGuard)
  create(
    @Headers('idempotency-key') key: string | undefined,
    @Body(new ZodValidationPipe(createPaymentSchema, 'payment')) body: z.infer<typeof createPaymentSchema>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): PaymentView {
    if (this.switches.value.failPayments)
      throw unavailable('the provider is down (test switch failPayments)');
    const { payment, created } = this.book.create(idempotencyKey(key), body);
    void reply.status(created ? 201 : 200);
    return toPaymentView(payment, this.baseUrl);
  }

  @Get(':id')
  @UseGuards(ApiKeyGuard)
  get(@Param('id', idPipe) id: string): PaymentView {
    return toPaymentView(this.book.get(id), this.baseUrl);
  }

  /** The buyer's side: no API key, the payment's client secret instead. */
  @Post(':id/complete')
  @HttpCode(200)
  complete(
    @Param('id', idPipe) id: string,
    @Body(new ZodValidationPipe(completePaymentSchema, 'completion'))
    body: z.infer<typeof completePaymentSchema>,
  ): PaymentView {
    return toPaymentView(this.book.complete(id, body.clientSecret, body.outcome), this.baseUrl);
  }

  @Post(':id/capture')
  @HttpCode(200)
  @UseGuards(ApiKeyGuard)
  capture(@Param('id', idPipe) id: string): PaymentView {
    return toPaymentView(this.book.capture(id), this.baseUrl);
  }
}
