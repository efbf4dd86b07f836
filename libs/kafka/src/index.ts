export * from './kafka.client';
export * from './kafka.module';
export * from './kafka-admin.service';
export * from './kafka-producer.service';
export * from './kafka-consumer.factory';
export * from './ensure-topics';
export * from './dead-letter.publisher';
export * from './batched-sender';
