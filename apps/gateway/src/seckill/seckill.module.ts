import { Module } from '@nestjs/common';
import { RiskModule } from '../risk/risk.module';
import { OrderRequestPublisher } from './order-request.publisher';
import { ReservationScript } from './reservation.script';
import { SeckillController } from './seckill.controller';
import { SeckillService } from './seckill.service';

@Module({
  imports: [RiskModule],
  controllers: [SeckillController],
  providers: [SeckillService, ReservationScript, OrderRequestPublisher],
})
export class SeckillModule {}
