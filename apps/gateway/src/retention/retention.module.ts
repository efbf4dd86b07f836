import { Module } from '@nestjs/common';
import { ActivityRetention } from './activity-retention';
import { EvictionPolicyCheck } from './eviction-policy';

/** What keeps the gateway's Redis honest over time: no evicting policy, no keys kept forever. */
@Module({ providers: [EvictionPolicyCheck, ActivityRetention] })
export class RetentionModule {}
