import { Injectable, Logger } from '@nestjs/common';
import { KafkaMessage } from 'kafkajs';
import { DeadLetterMessage, TOPICS } from '@app/contracts';
import { counter } from '@app/observability';
import { KafkaProducerService } from './kafka-producer.service';

const deadLettered = counter('kafka_dead_letters_total', 'Messages moved to the dead-letter topic', [
  'topic',
]);

/**
 * Moves a message that cannot be processed (malformed, or refers to nothing) to the dead-letter topic
 * with its reason, so the consumer can commit past it instead of blocking its partition.
 */
@Injectable()
export class DeadLetterPublisher {
  private readonly logger = new Logger(DeadLetterPublisher.name);

  constructor(private readonly producer: KafkaProducerService) {}

  async send(topic: string, partition: number, message: KafkaMessage, reason: string): Promise<void> {
    const letter: DeadLetterMessage = {
      sourceTopic: topic,
      partition,
      offset: message.offset,
      reason,
      payload: message.value?.toString('utf8') ?? '',
    };
    await this.producer.send(TOPICS.deadLetter, [{ key: message.key, value: JSON.stringify(letter) }]);
    deadLettered.inc({ topic });
    this.logger.warn({ msg: 'message dead-lettered', topic, partition, offset: message.offset, reason });
  }
}
