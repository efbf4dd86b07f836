import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';

/**
 * A background job run every `intervalMs` by a service (recovery, sweeper): runs never overlap (the next
 * is scheduled when the previous ended), a failure is logged and retried at the next tick, and `stop()`
 * lets a run in progress finish while its dependencies are still up — call it in `beforeApplicationShutdown`,
 * since the Redis, PostgreSQL and Kafka clients close in `onApplicationShutdown`.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Runs now (or joins the run in progress). */
  runNow(): Promise<void> {
    this.running ??= this.work()
      .then(
        () => undefined,
        (err: Error) =>
          this.logger.warn({ msg: `${this.name} failed, retrying at the next tick`, err: err.message }),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runNow().then(() => this.schedule()), this.intervalMs);
    this.timer.unref();
  }
}

/**
 * A provider whose work is one PeriodicTask for the life of its service: started once the application has
 * booted, stopped before the clients close. `tick` is the work of one run.
 */
export abstract class PeriodicService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private readonly task: PeriodicTask;

  protected constructor(name: string, intervalMs: number) {
    this.task = new PeriodicTask(name, intervalMs, () => this.tick(), this.logger);
  }

  protected abstract tick(): Promise<unknown>;

  /** A run now, between the ticks (or the run in progress, joined). */
  protected runNow(): Promise<void> {
    return this.task.runNow();
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
