import { Module } from '@nestjs/common';
import { CancellationModule } from '../cancellation/cancellation.module';
import { TimeoutConsumer } from './timeout.consumer';
import { TimeoutHandler } from './timeout.handler';

@Module({
  imports: [CancellationModule],
  providers: [TimeoutHandler, TimeoutConsumer],
})
export class TimeoutModule {}
