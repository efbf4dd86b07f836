import { Module } from '@nestjs/common';
import { OrderRequestPublisher } from './order-request.publisher';
import { ReservationScript } from './reservation.script';
import { SeckillController } from './seckill.controller';
import { SeckillService } from './seckill.service';

@Module({
  controllers: [SeckillController],
  providers: [SeckillService, ReservationScript, OrderRequestPublisher],
})
export class SeckillModule {}
