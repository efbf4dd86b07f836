import { Module } from '@nestjs/common';
import { RiskModule } from '../risk/risk.module';
import { AbandonedAttempts } from './abandoned-attempts';
import { OrderRequestRelay } from './order-request.relay';
import { PurchaseEndpoint } from './purchase.endpoint';
import { PurchaseHotRoute } from './purchase.hot-route';
import { PurchaseRoute } from './purchase.route';
import { ReservationScript } from './reservation.script';
import { SeckillController } from './seckill.controller';
import { SeckillService } from './seckill.service';

@Module({
  imports: [RiskModule],
  controllers: [SeckillController],
  providers: [
    SeckillService,
    ReservationScript,
    OrderRequestRelay,
    AbandonedAttempts,
    PurchaseEndpoint,
    PurchaseRoute,
    PurchaseHotRoute,
  ],
})
export class SeckillModule {}
