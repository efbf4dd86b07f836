import { LoggerService } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Header carried from the HTTP request through Kafka headers into consumer log lines. */
export const CORRELATION_HEADER = 'x-correlation-id';

const storage = new AsyncLocalStorage<{ correlationId: string }>();

export function withCorrelation<T>(correlationId: string | undefined, fn: () => T): T {
  return storage.run({ correlationId: correlationId || randomUUID() }, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

/**
 * Nest logger writing one JSON object per line. Classes keep using `new Logger(Class.name)`;
 * a message may be a string or an object of structured fields (`{ msg, ...fields }`).
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly minLevel: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context): the stack only when there are two extra arguments.
    const stack = rest.length >= 2 && typeof rest[0] === 'string' ? rest[0] : undefined;
    this.emit('error', message, rest, stack);
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[], stack?: string): void {
    if (LEVELS[level] < LEVELS[this.minLevel]) return;
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? rest.at(-1) : undefined;
    const fields =
      message instanceof Error
        ? { msg: message.message, err: message.stack }
        : typeof message === 'object' && message !== null
          ? message
          : { msg: String(message) };
    // The envelope comes last: a field named `level` or `time` must not disguise the line. The correlation
    // id is the scope's (a request on Fastify, a consumed message), else the one the line names: the hot
    // routes, served ahead of Fastify, open no scope per request and name the request's id instead.
    const line = {
      ...fields,
      time: new Date().toISOString(),
      level,
      service: this.service,
      context,
      correlationId: currentCorrelationId() ?? (fields as { correlationId?: unknown }).correlationId,
      ...(stack ? { stack } : {}),
    };
    this.write(JSON.stringify(line));
  }
}
