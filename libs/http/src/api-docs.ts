import fastifySwagger, { StaticDocumentSpec } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Where every service serves Swagger UI (and `/json`, `/yaml` under it): its part of docs/openapi.yaml. */
export const API_DOCS_PREFIX = '/docs';

// The same relative path from libs/http/src and from dist/libs/http/src (the build copies docs/openapi.yaml).
const SPEC_FILE = join(__dirname, '../../../docs/openapi.yaml');
/** The keys of an OpenAPI path item that are operations (the others: `parameters`, `servers`, …). */
export const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Operation = { servers?: unknown } & Record<string, unknown>;
export interface ApiSpec {
  paths: Record<string, Record<string, Operation>>;
  servers: { url: string; description?: string }[];
  [key: string]: unknown;
}

/** The contract as written: docs/openapi.yaml is the source of truth, never generated from the code. */
export const readApiSpec = (): ApiSpec => parse(readFileSync(SPEC_FILE, 'utf8'));

/** `/api/orders/{id}/pay` as a Fastify route: `/api/orders/:id/pay`. */
export const routeOfPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** `GET /api/orders/:id`, the key that a registered route and a documented operation share. */
export const routeKey = (method: string, url: string) => `${method.toUpperCase()} ${url}`;

/**
 * The operations of `spec` that this service registered, with its own origin as the only server, so that
 * "Try it out" calls the service that shows the page, on whatever host and port it runs.
 */
export function serviceView(spec: ApiSpec, routes: ReadonlySet<string>, service: string): ApiSpec {
  const paths: ApiSpec['paths'] = {};
  for (const [path, item] of Object.entries(spec.paths)) {
    const kept = Object.entries(item).filter(
      ([method]) => OPENAPI_METHODS.includes(method) && routes.has(routeKey(method, routeOfPath(path))),
    );
    if (kept.length === 0) continue;
    paths[path] = Object.fromEntries(kept.map(([method, { servers: _servers, ...op }]) => [method, op]));
  }
  return { ...spec, servers: [{ url: '/', description: service }], paths };
}

/**
 * Swagger UI at /docs. The plugins are encapsulated: their hooks run on their own routes only, and the
 * page's document is built once, on the first visit, from the routes this service registered.
 */
export async function serveApiDocs(app: NestFastifyApplication, service: string): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const routes = new Set<string>();
  fastify.addHook('onRoute', ({ method, url }) => {
    for (const m of [method].flat()) routes.add(routeKey(m, url));
  });
  let view: ApiSpec | undefined;
  await app.register(fastifySwagger, {
    mode: 'static',
    specification: { document: readApiSpec() as unknown as StaticDocumentSpec['document'] },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: API_DOCS_PREFIX,
    staticCSP: true, // the page loads nothing from another origin
    // …and is served over plain HTTP (compose, a LAN): upgrading its requests to https would break it.
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
    transformSpecificationClone: false,
    transformSpecification: (spec: Readonly<Record<string, unknown>>) =>
      (view ??= serviceView(spec as ApiSpec, routes, service)),
  });
}
