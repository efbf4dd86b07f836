import { Module } from '@nestjs/common';
import { RiskModule } from '../risk/risk.module';
import { DefencesController } from './defences.controller';
import { PurchaseTickets } from './purchase-tickets.service';
import { PurchaseTokenGuard } from './purchase-token.guard';
import { TicketKeys } from './ticket-keys';

/** Bot defences, opt-in per activity: the hidden purchase path (a purchase token) and a proof-of-work. */
@Module({
  imports: [RiskModule],
  controllers: [DefencesController],
  providers: [TicketKeys, PurchaseTickets, PurchaseTokenGuard],
  exports: [TicketKeys, PurchaseTokenGuard, RiskModule],
})
export class DefencesModule {}
