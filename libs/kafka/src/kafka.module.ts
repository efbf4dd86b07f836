import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, SERVICE_NAME } from '@app/config';
import { ObservabilityModule } from '@app/observability';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { KafkaAdminService } from './kafka-admin.service';
import { KAFKA, createKafka } from './kafka.client';
import { KafkaConsumerFactory } from './kafka-consumer.factory';
import { KafkaProducerService } from './kafka-producer.service';

/** One Kafka client per process (its client id is the service's name), its admin, producer and consumers. */
@Module({
  imports: [ObservabilityModule],
  providers: [
    {
      provide: KAFKA,
      inject: [APP_CONFIG, SERVICE_NAME],
      useFactory: (config: AppConfig, service: string) => createKafka(config, service),
    },
    KafkaAdminService,
    KafkaProducerService,
    KafkaConsumerFactory,
    DeadLetterPublisher,
  ],
  exports: [KAFKA, KafkaAdminService, KafkaProducerService, KafkaConsumerFactory, DeadLetterPublisher],
})
export class KafkaModule {}
