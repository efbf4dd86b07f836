import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { KafkaAdminService } from './kafka-admin.service';
import { KAFKA, createKafka } from './kafka.client';
import { KafkaConsumerFactory } from './kafka-consumer.factory';
import { KafkaProducerService } from './kafka-producer.service';

@Global()
@Module({})
export class KafkaModule {
  /** @param clientId the service name, shown by the broker for every connection of this process */
  static forRoot(clientId: string): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        {
          provide: KAFKA,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => createKafka(config, clientId),
        },
        KafkaAdminService,
        KafkaProducerService,
        KafkaConsumerFactory,
        DeadLetterPublisher,
      ],
      exports: [KAFKA, KafkaAdminService, KafkaProducerService, KafkaConsumerFactory, DeadLetterPublisher],
    };
  }
}
