import { Module } from '@nestjs/common';
import { DatabaseModule } from '@app/database';
import { KafkaModule } from '@app/kafka';
import { RedisModule } from '@app/redis';
import { APP_CONFIG } from '@app/config';
import {
  RESERVE_HOLD,
  RESERVE_LIMITS,
  ReservationScript,
  Reservations,
  SellingAnnouncements,
  StockModule,
} from '@app/stock';
import { DefencesModule } from '../defences/defences.module';
import { RiskModule } from '../risk/risk.module';
import { WaitingRoomModule } from '../waiting-room/waiting-room.module';
import { AbandonedAttempts } from './abandoned-attempts';
import { OrderRequestRelay } from './order-request.relay';
import { PurchaseEndpoint } from './purchase.endpoint';
import { PurchaseHotRoute } from './purchase.hot-route';
import { PurchaseRoute } from './purchase.route';
import { SaleHold } from './sale-hold';
import { SeckillController } from './seckill.controller';
import { SeckillService } from './seckill.service';

@Module({
  imports: [
    DatabaseModule,
    KafkaModule,
    RedisModule,
    StockModule,
    RiskModule,
    DefencesModule,
    WaitingRoomModule,
  ],
  controllers: [SeckillController],
  providers: [
    SeckillService,
    ReservationScript,
    Reservations,
    { provide: RESERVE_LIMITS, useExisting: APP_CONFIG },
    { provide: RESERVE_HOLD, useExisting: SaleHold },
    SellingAnnouncements,
    OrderRequestRelay,
    AbandonedAttempts,
    PurchaseEndpoint,
    PurchaseRoute,
    PurchaseHotRoute,
    SaleHold,
  ],
})
export class SeckillModule {}
