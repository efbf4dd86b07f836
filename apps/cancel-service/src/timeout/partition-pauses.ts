import { Logger } from '@nestjs/common';
import { gauge } from '@app/observability';

/** setTimeout cannot wait longer than this (about 24.8 days); longer waits are re-armed on wake-up. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const pausedPartitions = gauge(
  'order_timeout_partitions_paused',
  'Delay-level partitions waiting for their head',
);

/**
 * The wake-up timers of paused delay-level partitions. Sleeping inside the batch handler would stall
 * the consumer and get it evicted from the group; instead the partition is paused and resumed later,
 * and kafkajs fetches it again from the last resolved offset, so the waiting message comes back.
 */
export class PartitionPauses {
  private readonly logger = new Logger(PartitionPauses.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** @param pause the eachBatch `pause()`: pauses this batch's partition and returns its resume. */
  pauseUntil(topic: string, partition: number, until: number, pause: () => () => void): void {
    const key = `${topic}|${partition}`;
    clearTimeout(this.timers.get(key));
    const resume = pause();
    const delay = Math.min(Math.max(0, until - Date.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      pausedPartitions.set(this.timers.size);
      try {
        resume();
      } catch (err) {
        // The consumer stopped or lost the partition meanwhile; whoever owns it now fetches it anyway.
        this.logger.debug({ msg: 'resume skipped', topic, partition, err: (err as Error).message });
      }
    }, delay);
    timer.unref(); // a wake-up alone must not keep the process alive
    this.timers.set(key, timer);
    pausedPartitions.set(this.timers.size);
    this.logger.debug({ msg: 'partition paused', topic, partition, resumeInMs: delay });
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    pausedPartitions.set(0);
  }
}
