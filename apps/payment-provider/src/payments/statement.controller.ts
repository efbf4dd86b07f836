import { Controller, Get, UseGuards } from '@nestjs/common';
import { Statement } from '@app/contracts';
import { ApiKeyGuard } from '../api-key.guard';
import { PaymentBook } from './payment-book';
import { toStatementPayment } from './provider-payment';

/** Every payment the provider holds, what it captured and refunded: what the merchant reconciles against. */
@Controller('v1/statement')
@UseGuards(ApiKeyGuard)
export class StatementController {
  constructor(private readonly book: PaymentBook) {}

  @Get()
  get(): Statement {
    return { generatedAt: Date.now(), payments: this.book.all().map(toStatementPayment) };
  }
}
