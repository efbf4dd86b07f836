/**
 * A failure the caller can act on: a stable `code` (part of the public API) and its HTTP status.
 * Thrown anywhere; mapped to its answer in one place (toErrorResponse, error-response.ts), whichever
 * server sends it.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** An answer given as a value (a purchase's refusal, libs/contracts) thrown, for the routes that throw. */
  static of(answer: {
    status: number;
    body: { code: string; message: string; details?: unknown };
  }): AppError {
    return new AppError(answer.body.code, answer.status, answer.body.message, answer.body.details);
  }
}

export const validationFailed = (message: string, details?: unknown) =>
  new AppError('VALIDATION_FAILED', 400, message, details);
export const unauthorized = (message = 'a valid bearer token is required') =>
  new AppError('UNAUTHORIZED', 401, message);
export const forbidden = (message = 'not allowed') => new AppError('FORBIDDEN', 403, message);
export const notFound = (what: string) => new AppError('NOT_FOUND', 404, `${what} not found`);
/** A dependency (Redis, Kafka, PostgreSQL) is down; nothing was changed. */
export const unavailable = (message = 'a dependency is unavailable, nothing was changed; retry later') =>
  new AppError('UNAVAILABLE', 503, message);
