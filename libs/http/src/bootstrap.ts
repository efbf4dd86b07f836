import { INestApplication, Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { AppConfig, ConfigError, loadConfig } from '@app/config';
import { CORRELATION_HEADER, JsonLogger, collectProcessMetrics, withCorrelation } from '@app/observability';
import { serveApiDocs } from './api-docs';
import { HttpErrorFilter } from './http-error.filter';
import {
  HotRoutes,
  attachHotRoutes,
  serverWithHotRoutes,
  correlationIdFor,
  observeHttp,
  RefuseUnparsedBodies,
  acceptJsonBodiesOnly,
} from './hot-routes';
import { MAX_HEADER_BYTES, MAX_PARAM_LENGTH, clientErrorHandler, frameworkErrors } from './wire-errors';

const LISTEN_BACKLOG = 4_096;

/** What `main.ts` says about its service: its name, and which configured port it listens on. */
export interface ServiceOptions {
  service: string;
  port: (config: AppConfig) => number;
}

/** Creates a service on the Fastify adapter with JSON logs, correlation ids, metrics and graceful shutdown. */
export async function createService(module: Type<unknown>, service: string): Promise<NestFastifyApplication> {
  const config = loadConfig();
  collectProcessMetrics(service);
  const hotRoutes = new HotRoutes();
  const adapter = new FastifyAdapter({
    serverFactory: serverWithHotRoutes(hotRoutes),
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Fastify's requestTimeout defaults to 0 (none): a client trickling bytes would hold its connection
    // forever. Node checks these deadlines every connectionsCheckingInterval (30 s by default).
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    http: {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1_000, config.HTTP_HEADERS_TIMEOUT_MS),
    },
    frameworkErrors,
    clientErrorHandler,
    requestIdHeader: CORRELATION_HEADER,
    genReqId: () => randomUUID(),
  });
  attachHotRoutes(adapter.getInstance(), hotRoutes);
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new JsonLogger(service, config.LOG_LEVEL),
    bodyParser: false, // ours: JSON only (see acceptJsonBodiesOnly)
  });
  const fastify = app.getHttpAdapter().getInstance();
  acceptJsonBodiesOnly(fastify);
  await serveApiDocs(app, service);
  fastify.addHook('onRequest', (req, reply, done) => {
    const id = correlationIdFor(req.id);
    req.id = id;
    void reply.header(CORRELATION_HEADER, id);
    withCorrelation(id, done);
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    observeHttp(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  // Errors raised by Fastify's body parsing (too large 413, other content type 415) reach this filter too,
  // through Nest; router and socket errors have their own handlers (wire-errors). Unparsable JSON is
  // raised after the guards (RefuseUnparsedBodies), so authentication answers first.
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalInterceptors(new RefuseUnparsedBodies());
  app.enableShutdownHooks();
  return app;
}

/** `main.ts` of every service: create, listen, and stop with one clear line on a bad configuration. */
export async function runService(module: Type<unknown>, options: ServiceOptions): Promise<INestApplication> {
  try {
    const app = await createService(module, options.service);
    const config = loadConfig();
    // A flash sale opens thousands of connections at once: a short accept queue would reset them.
    await app.listen({ port: options.port(config), host: config.HTTP_HOST, backlog: LISTEN_BACKLOG });
    new Logger('Bootstrap').log({ msg: 'listening', url: await app.getUrl() });
    return app;
  } catch (err) {
    if (err instanceof ConfigError) {
      // One line (every wrong variable in it), so a log collector or `docker logs | tail -1` shows it whole.
      const line = err.message.replace(/:\n\s*/, ': ').replace(/\n\s*/g, '; ');
      process.stderr.write(`${options.service}: ${line}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
