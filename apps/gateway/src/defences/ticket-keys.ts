import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ticketKey } from './signed-ticket';
import { UsedTickets } from './used-tickets';

/** The keys and replay sets of the purchase token and the challenge, made once per process. */
@Injectable()
export class TicketKeys {
  readonly purchaseToken: Buffer;
  readonly challenge: Buffer;
  readonly usedTokens = new UsedTickets();
  readonly usedChallenges = new UsedTickets();

  constructor(@Inject(APP_CONFIG) readonly config: AppConfig) {
    this.purchaseToken = ticketKey(config.JWT_SECRET, 'purchase-token');
    this.challenge = ticketKey(config.JWT_SECRET, 'challenge');
  }
}
