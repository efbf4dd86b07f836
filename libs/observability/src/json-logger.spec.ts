import { JsonLogger, withCorrelation } from './json-logger';

function capture(level: 'debug' | 'info' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger('gateway', level, (l) => lines.push(JSON.parse(l)));
  return { logger, lines };
}

describe('JsonLogger', () => {
  it('when a class logs structured fields, then one JSON line carries service, context and fields', () => {
    const { logger, lines } = capture();
    logger.log({ msg: 'batch persisted', count: 3 }, 'OrderConsumer');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'gateway',
        context: 'OrderConsumer',
        msg: 'batch persisted',
        count: 3,
      }),
    ]);
  });

  it('when inside a correlation scope, then the line carries its id', () => {
    const { logger, lines } = capture();
    withCorrelation('abc-123', () => logger.warn('slow', 'X'));
    expect(lines[0]).toMatchObject({ level: 'warn', correlationId: 'abc-123', msg: 'slow' });
  });

  it('when a line outside any correlation scope names its correlation id, then the line keeps it', () => {
    // the hot routes (node:http, no scope per request) name the request's id on the lines they write
    const { logger, lines } = capture();
    logger.error({ msg: 'unhandled error', correlationId: 'trace-7' }, 'PurchaseHotRoute');
    expect(lines[0]).toMatchObject({ correlationId: 'trace-7', msg: 'unhandled error' });
  });

  it('when below the configured level, then nothing is written', () => {
    const { logger, lines } = capture('info');
    logger.debug('noise', 'X');
    expect(lines).toHaveLength(0);
  });

  it('when an error is logged with a stack, then the stack is kept', () => {
    const { logger, lines } = capture();
    logger.error('boom', 'Error: boom\n at x', 'X');
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'boom',
      stack: 'Error: boom\n at x',
      context: 'X',
    });
  });
});
