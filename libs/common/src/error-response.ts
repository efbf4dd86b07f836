import { HttpException } from '@nestjs/common';
import { AppError } from './app-error';

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
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
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
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
