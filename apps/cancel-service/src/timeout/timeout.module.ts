import { Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { CancellationModule } from '../cancellation/cancellation.module';
import { TimeoutConsumer } from './timeout.consumer';
import { TimeoutHandler } from './timeout.handler';

@Module({
  imports: [KafkaModule, CancellationModule],
  providers: [TimeoutHandler, TimeoutConsumer],
})
export class TimeoutModule {}
