import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import { RedisService } from './redis.service';

@Module({ imports: [ObservabilityModule], providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
