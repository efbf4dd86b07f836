import { Module } from '@nestjs/common';
import { ServiceModule } from '@app/http';
import { SweeperModule } from './sweeper/sweeper.module';
import { TimeoutModule } from './timeout/timeout.module';

/** Cancels unpaid orders when their timeout fires (TimeoutModule) or, as a backstop, by sweeping. */
@Module({
  imports: [ServiceModule.forRoot('cancel-service'), TimeoutModule, SweeperModule],
})
export class CancelServiceModule {}
