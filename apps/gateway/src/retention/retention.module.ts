import { Module } from '@nestjs/common';
import { RedisModule } from '@app/redis';
import { DatabaseModule } from '@app/database';
import { ActivityRetention } from './activity-retention';
import { EvictionPolicyCheck } from './eviction-policy';

/** What keeps the gateway's Redis honest over time: no evicting policy, no keys kept forever. */
@Module({
  imports: [RedisModule, DatabaseModule],
  providers: [EvictionPolicyCheck, ActivityRetention],
})
export class RetentionModule {}
