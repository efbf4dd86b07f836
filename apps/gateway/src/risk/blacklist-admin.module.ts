import { Module } from '@nestjs/common';
import { RiskModule } from './risk.module';
import { BlacklistController } from './blacklist.controller';

/** The blacklist's admin endpoints (behind ADMIN_TOKEN), beside the blacklist. Activity updates live with the activities. */
@Module({
  imports: [RiskModule],
  controllers: [BlacklistController],
})
export class BlacklistAdminModule {}
