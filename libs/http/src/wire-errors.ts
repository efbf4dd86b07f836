import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errorAnswer, toErrorResponse } from '@app/common';

/** Node's own default, pinned here so the limit is part of the documented contract (431 beyond it). */
export const MAX_HEADER_BYTES = 16_384;
/** Path parameters (ids) longer than this never reach a route: 414. */
export const MAX_PARAM_LENGTH = 128;

/**
 * Errors Fastify's router raises before any route runs (a bad %-encoding, an over-long id). Without
 * this they would be answered in Fastify's own shape (`{ error, code: "FST_ERR_…", statusCode }`).
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(err);
  if (err.code === 'FST_ERR_BAD_URL') body.message = 'the URL is not valid percent-encoded UTF-8';
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    body.message = `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`;
  }
  void reply.code(status).send(body);
}

/**
 * Requests Node's HTTP parser refuses (headers over MAX_HEADER_BYTES, malformed HTTP) never become a
 * request object: answered straight on the socket, in the common error shape, and the connection closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const { status, body: error } =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? errorAnswer(431, 'HEADERS_TOO_LARGE', `request headers exceed ${MAX_HEADER_BYTES} bytes`)
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? errorAnswer(408, 'REQUEST_TIMEOUT', 'the request was not received in time')
        : errorAnswer(400, 'BAD_REQUEST', 'malformed HTTP request');
  const body = JSON.stringify(error);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
