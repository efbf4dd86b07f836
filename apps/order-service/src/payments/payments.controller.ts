import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BuyerGuard, BuyerId } from '@app/auth';
import { AppError, ZodValidationPipe, parseWith } from '@app/common';
import { PAYMENT_SIGNATURE_HEADER, paymentCallbackSchema, verifySignature } from '@app/contracts';
import { counter } from '@app/observability';
import { PaymentCallbacksService } from './payment-callbacks.service';
import { PaymentStartService, StartedPayment } from './payment-start.service';

const orderIdPipe = new ZodValidationPipe(z.string().uuid('must be a UUID'), 'order id');
const attemptSchema = z.string().regex(/^[\w.:-]{1,64}$/, '1–64 letters, digits, or . : _ -');
const refused = counter('payment_callbacks_refused_total', 'Callbacks refused before anything was read', [
  'reason',
]);

@Controller('api')
export class PaymentsController {
  constructor(
    private readonly starts: PaymentStartService,
    private readonly callbacks: PaymentCallbacksService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * 201 with what the buyer needs to complete the payment at the provider; 409 ORDER_NOT_PAYABLE; 503
   * PAYMENT_PROVIDER_UNAVAILABLE (nothing changed). An Idempotency-Key names a new attempt (after a failed
   * one); without it, every call for an order is the same payment.
   */
  @Post('orders/:id/payments')
  @UseGuards(BuyerGuard)
  start(
    @Param('id', orderIdPipe) id: string,
    @BuyerId() buyerId: string,
    @Headers('idempotency-key') attempt: string | undefined,
  ): Promise<StartedPayment> {
    return this.starts.start(
      id,
      buyerId,
      attempt === undefined ? undefined : parseWith(attemptSchema, attempt, 'Idempotency-Key'),
    );
  }

  /**
   * The provider's callback: 401 INVALID_SIGNATURE (and nothing read or changed) unless the signature over
   * the raw body is valid and fresh; then 200 once applied or already applied (an acknowledgement: any
   * other answer makes the provider deliver it again).
   */
  @Post('payments/callbacks')
  @HttpCode(200)
  async callback(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
  ): Promise<{ received: true; outcome: string }> {
    const verdict = verifySignature(
      this.config.PAYMENT_WEBHOOK_SECRET,
      request.rawBody ?? '',
      request.headers[PAYMENT_SIGNATURE_HEADER] as string | undefined,
      { toleranceSeconds: this.config.PAYMENT_WEBHOOK_TOLERANCE_SECONDS },
    );
    if (!verdict.ok) {
      refused.inc({ reason: verdict.reason });
      throw new AppError('INVALID_SIGNATURE', 401, `the callback's signature is ${verdict.reason}`);
    }
    const event = parseWith(paymentCallbackSchema, body, 'callback');
    const outcome = await this.callbacks.apply(event);
    return { received: true, outcome: outcome.kind };
  }
}
