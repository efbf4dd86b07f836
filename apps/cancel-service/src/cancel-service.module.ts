import { Module } from '@nestjs/common';
import { ServiceModule } from '@app/http';

@Module({
  imports: [ServiceModule.forRoot('cancel-service')],
})
export class CancelServiceModule {}
