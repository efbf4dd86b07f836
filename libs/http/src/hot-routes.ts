import type { FastifyInstance, FastifyServerFactory, FastifyServerOptions } from 'fastify';
import { IncomingMessage, RequestListener, Server, ServerResponse, createServer } from 'node:http';

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
