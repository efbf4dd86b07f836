import { Module } from '@nestjs/common';
import { RedisModule } from '@app/redis';
import { DefencesModule } from '../defences/defences.module';
import { AdmissionTokens } from './admission-tokens';
import { QueuePollHotRoute } from './queue-poll.hot-route';
import { RoomTickets } from './room-tickets';
import { Rooms } from './rooms';
import { WaitingRoomController } from './waiting-room.controller';
import { WaitingRoom } from './waiting-room.service';

/** The waiting room in front of a sale, opt-in per activity: a fair place in line, admission at a rate. */
@Module({
  imports: [RedisModule, DefencesModule],
  controllers: [WaitingRoomController],
  providers: [Rooms, RoomTickets, WaitingRoom, AdmissionTokens, QueuePollHotRoute],
  exports: [AdmissionTokens, Rooms],
})
export class WaitingRoomModule {}
