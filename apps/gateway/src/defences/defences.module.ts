import { Module } from '@nestjs/common';
import { RiskModule } from '../risk/risk.module';
import { DefencesController } from './defences.controller';
import { PurchaseTickets } from './purchase-tickets.service';
import { PurchaseTokens } from './purchase-tokens';
import { TicketKeys } from './ticket-keys';

/** Bot defences, opt-in per activity: the hidden purchase path (a purchase token) and a proof-of-work. */
@Module({
  imports: [RiskModule],
  controllers: [DefencesController],
  providers: [TicketKeys, PurchaseTickets, PurchaseTokens],
  exports: [TicketKeys, PurchaseTickets, PurchaseTokens, RiskModule],
})
export class DefencesModule {}
