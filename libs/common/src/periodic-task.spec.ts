import { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

const quietLogger = () => ({ warn: jest.fn() }) as unknown as Logger & { warn: jest.Mock };

describe('PeriodicTask', () => {
  it('when a run is slower than the interval, then the next one starts only after it ended', async () => {
    let running = 0;
    let maxConcurrent = 0;
    let release!: () => void;
    const task = new PeriodicTask(
      'job',
      10,
      async () => {
        running++;
        maxConcurrent = Math.max(maxConcurrent, running);
        await new Promise<void>((resolve) => (release = resolve));
        running--;
      },
      quietLogger(),
    );
    const first = task.runNow();
    const joined = task.runNow();
    expect(joined).toBe(first);
    release();
    await first;
    expect(maxConcurrent).toBe(1);
  });

  it('when a run fails, then the failure is logged and the task goes on', async () => {
    const logger = quietLogger();
    let calls = 0;
    const task = new PeriodicTask(
      'job',
      10,
      async () => {
        calls++;
        throw new Error('redis down');
      },
      logger,
    );
    await task.runNow();
    await task.runNow();
    expect(calls).toBe(2);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ err: 'redis down' }));
  });

  it('when stopped during a run, then stop waits for that run and nothing runs after', async () => {
    let calls = 0;
    let release!: () => void;
    const task = new PeriodicTask(
      'job',
      1,
      async () => {
        calls++;
        await new Promise<void>((resolve) => (release = resolve));
      },
      quietLogger(),
    );
    task.start();
    const run = task.runNow();
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await run;
    await stopping;
    expect(stopped).toBe(true);
    expect(calls).toBe(1);
  });
});
