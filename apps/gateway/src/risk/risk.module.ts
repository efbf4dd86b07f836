import { Module } from '@nestjs/common';
import { DatabaseModule } from '@app/database';
import { RedisModule } from '@app/redis';
import { StockModule } from '@app/stock';
import { ActivityWindows } from './activity-windows';
import { Blacklist } from './blacklist';
import { BlacklistStore } from './blacklist.store';
import { CLOCK, RiskChecks, systemClock } from './risk-checks';
import { RiskEvents } from './risk-events.subscriber';
import { RiskSync } from './risk-sync';
import { SoldOutFlags } from './sold-out-flags';

/** The gateway's risk control: in-process checks and the copies they read, kept in sync across instances. */
@Module({
  imports: [RedisModule, StockModule, DatabaseModule],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    ActivityWindows,
    SoldOutFlags,
    Blacklist,
    BlacklistStore,
    RiskChecks,
    RiskSync,
    RiskEvents,
  ],
  exports: [CLOCK, RiskChecks, SoldOutFlags, BlacklistStore],
})
export class RiskModule {}
