import type { FastifyInstance } from 'fastify';
import { validationFailed } from './app-error';

/**
 * Request bodies are JSON or nothing. Fastify would also parse `text/plain` (and Nest adds
 * `application/x-www-form-urlencoded`), which turns a wrong content type into a confusing
 * "expected object, received string"; with JSON as the only parser every other type is 415.
 * Bodies keep Fastify's own JSON parser: size limit (413) and `__proto__`/`constructor` poisoning refused.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  const parse = jsonBodyParser(fastify);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
    parse(body as string, done),
  );
}

export type JsonBodyParser = (body: string, done: (err: Error | null, value: unknown) => void) => void;

/** How every body of the service is read (also by its hot routes, which bypass Fastify's parsers). */
export function jsonBodyParser(fastify: FastifyInstance): JsonBodyParser {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  return (body, done) =>
    parseJson(undefined as never, body, (err, value) => {
      if (err) return done(err, undefined);
      if (holdsNul(value)) {
        return done(validationFailed('strings must not contain the NUL character (\\u0000)'), undefined);
      }
      done(null, value);
    });
}

/**
 * PostgreSQL text cannot store U+0000 (the INSERT fails), and no field of the API has a use for it:
 * refused at the edge, once for every body, instead of surfacing as a database error.
 * Iterative, because a 16 kB body can nest thousands of levels deep.
 */
export function holdsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) pending.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) pending.push(key, item);
    }
  }
  return false;
}
