import { Module } from '@nestjs/common';
import { RiskModule } from '../risk/risk.module';
import { BlacklistController } from './blacklist.controller';

/** Admin endpoints of risk control (behind ADMIN_TOKEN). Activity updates live with the activities. */
@Module({
  imports: [RiskModule],
  controllers: [BlacklistController],
})
export class AdminModule {}
