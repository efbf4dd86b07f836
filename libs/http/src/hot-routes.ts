import { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest, FastifyServerFactory, FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { IncomingMessage, RequestListener, Server, ServerResponse, createServer } from 'node:http';
import { Observable } from 'rxjs';
import { validationFailed } from '@app/common';
import { histogram } from '@app/observability';

// The HTTP edge every service shares: the JSON bodies Fastify accepts, each request's correlation id and
// latency, and the hot routes a server tries before Fastify.

/**
 * A JSON body that could not be accepted, kept as the request's body until the route runs: Fastify parses
 * bodies before any guard, so failing here would answer a forged token with 400 instead of 401.
 * RefuseUnparsedBodies raises it after the guards.
 */
export class UnparsedBody {
  constructor(readonly error: Error) {}
}

/** Global interceptor (after guards, before pipes): a body kept as UnparsedBody is refused now. */
export class RefuseUnparsedBodies implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body = context.switchToHttp().getRequest<FastifyRequest>().body;
    if (body instanceof UnparsedBody) throw body.error;
    return next.handle();
  }
}

/**
 * Request bodies are JSON or nothing. Fastify would also parse `text/plain` (and Nest adds
 * `application/x-www-form-urlencoded`), which turns a wrong content type into a confusing
 * "expected object, received string"; with JSON as the only parser every other type is 415.
 * Bodies keep Fastify's own JSON parser: size limit (413) and `__proto__`/`constructor` poisoning refused.
 * An empty body is `{}`: many HTTP clients send `Content-Type: application/json` with a bodiless POST
 * (such as `/pay`). A body that does not parse is refused only after authentication (see UnparsedBody).
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  const parse = jsonBodyParser(fastify);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Kept as received: a signature (the payment provider's callbacks) is over these exact bytes.
    request.rawBody = body as string;
    parse(body as string, (err, value) => done(null, err ? new UnparsedBody(err) : value));
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body as received, before parsing (undefined for a bodiless request). */
    rawBody?: string;
  }
}

export type JsonBodyParser = (body: string, done: (err: Error | null, value: unknown) => void) => void;

/**
 * How every body of the service is read: `{}` when empty, else JSON without NUL characters, else the
 * error to answer. Also used by the hot routes, which bypass Fastify's parsers (and authenticate first).
 */
export function jsonBodyParser(fastify: FastifyInstance): JsonBodyParser {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  return (body, done) => {
    if (body === '') return done(null, {});
    parseJson(undefined as never, body, (err, value) => {
      if (err) return done(err, undefined);
      if (holdsNul(value)) {
        return done(validationFailed('strings must not contain the NUL character (\\u0000)'), undefined);
      }
      done(null, value);
    });
  };
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

const SAFE_ID = /^[\w.:-]{1,64}$/;

/** The request's correlation id: the caller's, when short and plain (it ends up in every log line), else new. */
export function correlationIdFor(requested: unknown): string {
  return typeof requested === 'string' && SAFE_ID.test(requested) ? requested : randomUUID();
}

const latency = histogram('http_request_duration_seconds', 'HTTP latency by route and status', [
  'method',
  'route',
  'status',
]);
/** One child per (method, route, status), made once: labelling on every request costs a lookup by string. */
const children = new Map<string, ReturnType<typeof latency.labels>>();

export function observeHttp(method: string, route: string, status: number, seconds: number): void {
  const key = `${method} ${route} ${status}`;
  let child = children.get(key);
  if (!child) children.set(key, (child = latency.labels(method, route, String(status))));
  child.observe(seconds);
}

/**
 * A route served by node:http itself, ahead of Fastify and Nest: for the one endpoint that takes a flash
 * crowd, where every microsecond of framework per request shows in the spike. It claims only the requests it
 * answers exactly as the framework route would (returns true), and hands every other one on (false).
 */
export interface HotRoute {
  serve(req: IncomingMessage, res: ServerResponse): boolean;
}

/** The service's hot routes, tried in order before Fastify sees a request. */
export class HotRoutes {
  private readonly routes: HotRoute[] = [];

  add(route: HotRoute): void {
    this.routes.push(route);
  }

  serve(req: IncomingMessage, res: ServerResponse): boolean {
    for (const route of this.routes) if (route.serve(req, res)) return true;
    return false;
  }
}

const registries = new WeakMap<FastifyInstance, HotRoutes>();

/** The hot routes of the server behind `fastify` (a provider adds its route on init), if it has any. */
export function hotRoutesOf(fastify: FastifyInstance): HotRoutes | undefined {
  return registries.get(fastify);
}

/** Gives `fastify` its registry of hot routes, served ahead of it by a server from `serverWithHotRoutes`. */
export function attachHotRoutes(fastify: FastifyInstance, hotRoutes: HotRoutes): void {
  registries.set(fastify, hotRoutes);
}

/**
 * Fastify's `serverFactory`: the HTTP server Fastify would make (same options and timeouts), with the hot
 * routes in front of Fastify's handler.
 */
export function serverWithHotRoutes(hotRoutes: HotRoutes): FastifyServerFactory {
  return ((handler: RequestListener, options: FastifyServerOptions & { http?: object }) => {
    const server: Server = createServer(options.http ?? {}, (req, res) => {
      if (!hotRoutes.serve(req, res)) handler(req, res);
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  }) as unknown as FastifyServerFactory;
}
