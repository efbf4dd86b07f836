import { Module } from '@nestjs/common';
import { CancellationModule } from '../cancellation/cancellation.module';
import { SweeperService } from './sweeper.service';

@Module({
  imports: [CancellationModule],
  providers: [SweeperService],
})
export class SweeperModule {}
