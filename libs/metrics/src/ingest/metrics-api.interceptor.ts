import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { Request } from 'express';
import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { isOwnController } from '../metrics-own-routes.js';
import { ApiRequestCollector } from './api-request-collector.service.js';
import { defaultApiTenant, safeTenant } from './api-tenant.js';
import { InFlightRequests } from './api-in-flight.js';

const MAX_ROUTE_LENGTH = 255;
const NOT_COUNTED = -1;

/** "/a/" + "/b" → "/a/b"; Nest's metadata paths may carry or lack slashes at either end. */
function joinPath(...parts: unknown[]): string {
  const segments = parts.flatMap((part): unknown[] => (Array.isArray(part) ? (part as unknown[]).slice(0, 1) : [part]));
  return `/${segments
    .filter((part): part is string => typeof part === 'string')
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part.length > 0)
    .join('/')}`;
}

/**
 * Counts the host's API requests for the operations metrics: per tenant, route pattern (`GET /users/:id`, never
 * the raw URL), status and duration, handed to ApiRequestCollector which writes them in batches. The request
 * never waits for the database, and counting it allocates no object, closure or promise (InFlightRequests keeps
 * the requests being answered in preallocated slots; the collector adds them into typed arrays).
 *
 * Apply it globally (`{ provide: APP_INTERCEPTOR, useExisting: MetricsApiInterceptor }` or
 * `app.useGlobalInterceptors(app.get(MetricsApiInterceptor))`) or on controllers (`@UseInterceptors(...)`).
 * Interceptors run after guards: requests a guard refuses (401/403) and unmatched routes (404) are not counted
 * (MetricsApiMiddleware counts those too). The duration runs from the interceptor to the end of the response.
 */
@Injectable()
export class MetricsApiInterceptor implements NestInterceptor {
  private readonly tenantOf: (request: Request) => string | null | undefined;
  private readonly includeOwn: boolean;
  private readonly inFlight: InFlightRequests;
  /**
   * The route's number per Express route object (or, without one, per handler), worked out on its first request:
   * NOT_COUNTED for the module's own routes. The pattern and its string are never rebuilt per request.
   */
  private readonly routes = new WeakMap<object, number>();

  constructor(
    private readonly collector: ApiRequestCollector,
    @InjectMetricsOptions() options: ResolvedMetricsOptions,
  ) {
    this.tenantOf = options.apiTenant ?? defaultApiTenant;
    this.includeOwn = collector.settings.includeOwnRoutes;
    this.inFlight = new InFlightRequests(collector);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    // getArgByIndex, not switchToHttp(): that one builds three closures on every call.
    const request = context.getArgByIndex<Request>(0);
    // Express's response, or the Node response under Fastify's reply.
    const reply = context.getArgByIndex<ServerResponse & { raw?: ServerResponse }>(1);
    const response = reply.raw ?? reply;
    if (this.inFlight.tracks(response)) return next.handle();
    const route = this.routeOf(request, context);
    if (route === NOT_COUNTED) return next.handle();
    // Counted when the response is done, with the status the client received: a thrown HttpException as its
    // status, any other exception as 500 (Nest's exception filter). 'close' also comes when the client went away
    // first, so every request counts once. No rxjs operator is added to the handler's stream: the interceptor
    // costs what Nest's interceptor pipeline costs, plus a listener.
    this.inFlight.start(response, route, safeTenant(this.tenantOf, request));
    return next.handle();
  }

  /** The route's number, from the cache after its first request. */
  private routeOf(request: Request, context: ExecutionContext): number {
    const key = (request.route as object | undefined) ?? context.getHandler();
    const known = this.routes.get(key);
    if (known !== undefined) return known;
    const id =
      !this.includeOwn && isOwnController(context.getClass())
        ? NOT_COUNTED
        : this.collector.routeId(`${request.method} ${this.routePattern(request, context)}`.slice(0, MAX_ROUTE_LENGTH));
    // Fastify has no route object: a handler's method and pattern are then fixed, so the handler is the key.
    this.routes.set(key, id);
    return id;
  }

  /** The matched route pattern: Express's request.route.path, Fastify's routeOptions.url, else Nest's metadata. */
  private routePattern(request: Request, context: ExecutionContext): string {
    const express = (request.route as { path?: unknown } | undefined)?.path;
    if (typeof express === 'string') return express;
    const fastify = (request as unknown as { routeOptions?: { url?: unknown } }).routeOptions?.url;
    if (typeof fastify === 'string') return fastify;
    return joinPath(
      Reflect.getMetadata(PATH_METADATA, context.getClass()),
      Reflect.getMetadata(PATH_METADATA, context.getHandler()),
    );
  }
}
