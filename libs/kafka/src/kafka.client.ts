import { Kafka, logLevel } from 'kafkajs';
import { AppConfig } from '@app/config';
import { kafkaLogCreator } from './kafka-log';

export const KAFKA = Symbol('KAFKA');

export function createKafka(config: AppConfig, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: config.KAFKA_BROKERS,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator,
    retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 8 },
  });
}
