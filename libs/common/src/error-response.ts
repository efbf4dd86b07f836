import { HttpException, Logger } from '@nestjs/common';
import { AppError } from './app-error';

/*
 * The one place failures become HTTP: a status and a public body `{ code, message, details? }`. Whichever
 * server answers — the Nest filter (HttpErrorFilter), Fastify's router and Node's parser (wire-errors),
 * the hot routes on node:http (the purchase, the queue poll) — it asks here. A purchase's refusals are
 * values with a table of their own answers (libs/contracts/src/refusals.ts), in this shape.
 */

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** A failed or refused request's answer: its HTTP status and public body. */
export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
}

/** An answer as a value, for the paths that do not throw (no Error, no stack trace made). */
export function errorAnswer(status: number, code: string, message: string, details?: unknown): ErrorAnswer {
  const body: ErrorBody = { code, message };
  if (details !== undefined) body.details = details;
  return { status, body };
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  503: 'UNAVAILABLE',
};

/**
 * Maps anything thrown to a status and a public body. Client errors keep their message;
 * anything else becomes a 500 whose body reveals nothing (`internal` tells the caller to log it).
 */
export function toErrorResponse(err: unknown): ErrorAnswer & { internal: boolean } {
  if (err instanceof AppError) {
    const body: ErrorBody = { code: err.code, message: err.message };
    if (err.details !== undefined) body.details = err.details;
    return { status: err.status, body, internal: false };
  }
  const status =
    err instanceof HttpException
      ? err.getStatus()
      : typeof (err as { statusCode?: unknown })?.statusCode === 'number'
        ? (err as { statusCode: number }).statusCode
        : 500;
  if (status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'BAD_REQUEST';
    const message = err instanceof Error ? err.message : 'bad request';
    return { status, body: { code, message }, internal: false };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error' }, internal: true };
}

/**
 * What was thrown, as its answer; the unexpected is logged (with its stack, and the request's `fields`:
 * the hot routes name its correlation id, having no correlation scope) and never shown to the client.
 */
export function answerThrown(err: unknown, logger: Logger, fields: Record<string, unknown>): ErrorAnswer {
  const { status, body, internal } = toErrorResponse(err);
  if (internal) {
    const error = err instanceof Error ? err : new Error(String(err));
    logger.error({ msg: 'unhandled error', ...fields, err: error.message }, error.stack);
  }
  return { status, body };
}
