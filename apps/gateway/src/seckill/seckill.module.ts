import { Module } from '@nestjs/common';
import { DefencesModule } from '../defences/defences.module';
import { RiskModule } from '../risk/risk.module';
import { OrderRequestPublisher } from './order-request.publisher';
import { ReservationScript } from './reservation.script';
import { SeckillController } from './seckill.controller';
import { SeckillService } from './seckill.service';

@Module({
  imports: [RiskModule, DefencesModule],
  controllers: [SeckillController],
  providers: [SeckillService, ReservationScript, OrderRequestPublisher],
})
export class SeckillModule {}
