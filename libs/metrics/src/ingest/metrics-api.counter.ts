import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request } from 'express';
import type { ServerResponse } from 'node:http';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { ApiRequestCollector } from './api-request-collector.service.js';
import { defaultApiTenant, safeTenant } from './api-tenant.js';
import { InFlightRequests } from './api-in-flight.js';
import { OWN_ROUTE_REQUEST } from '../metrics-own-routes.js';

const MAX_ROUTE_LENGTH = 255;
const NOT_COUNTED = -1;

type SetStatus = (response: unknown, statusCode: number) => unknown;
/** Express's response (`req` is its request), or Fastify's reply (`raw` the Node response, `request` its request). */
type Reply = ServerResponse & { raw?: ServerResponse; request?: Request; req?: Request };

/**
 * Counts the host's API requests exactly as MetricsApiInterceptor does — only requests that passed every guard
 * and reached a route handler, not the module's own routes, the status the client received (a thrown
 * HttpException as its status), per tenant and route pattern — without Nest's interceptor pipeline, which alone
 * costs more than the 5 % of a trivial route allowed for counting (docs/performance.md).
 *
 * Where: Nest's router calls the HTTP adapter's `status(response, code)` once per request, after every guard
 * passed and right before interceptors, pipes and the handler run (RouterExecutionContext); nothing else in
 * Nest calls it (the exception filter and the 404 handler reply through `reply`). The counter wraps that method
 * of the application's adapter: the wrapper takes a preallocated slot (InFlightRequests) and the response is
 * counted by one shared listener on `close`. No closure, object or promise per request; a host's route without
 * guards or interceptors gets no extra await. The module's own controllers mark their requests with a guard
 * (OWN_ROUTE_REQUEST), so they are left out by class, as the interceptor does.
 *
 * Switched on by `apiMetrics.countRequests: true`. Installed when the module starts, removed when it stops.
 */
@Injectable()
export class MetricsApiCounter implements OnModuleInit, OnModuleDestroy {
  private readonly tenantOf: (request: Request) => string | null | undefined;
  private readonly includeOwn: boolean;
  private readonly enabled: boolean;
  private readonly inFlight: InFlightRequests;
  /** The route's number per Express route object, worked out on its first request. */
  private readonly routes = new WeakMap<object, number>();
  /** The same per "METHOD pattern" where there is no route object (Fastify). */
  private readonly patterns = new Map<string, number>();
  private installed: { adapter: { status: SetStatus }; original: SetStatus; wrapper: SetStatus } | null = null;

  constructor(
    private readonly collector: ApiRequestCollector,
    private readonly adapterHost: HttpAdapterHost,
    @InjectMetricsOptions() options: ResolvedMetricsOptions,
  ) {
    this.tenantOf = options.apiTenant ?? defaultApiTenant;
    this.includeOwn = collector.settings.includeOwnRoutes;
    this.enabled = collector.settings.countRequests;
    this.inFlight = new InFlightRequests(collector);
  }

  onModuleInit(): void {
    // No HTTP adapter in a standalone application context (the command line): nothing to count.
    const adapter = this.adapterHost.httpAdapter as unknown as { status: SetStatus } | undefined;
    if (!this.enabled || !adapter) return;
    const original = adapter.status;
    const reached = (response: Reply) => this.handlerReached(response);
    // A function, not an arrow: `this` stays the adapter its method is called on.
    const wrapper: SetStatus = function status(this: unknown, response, statusCode) {
      reached(response as Reply);
      return original.call(this, response, statusCode);
    };
    adapter.status = wrapper;
    this.installed = { adapter, original, wrapper };
  }

  onModuleDestroy(): void {
    const installed = this.installed;
    this.installed = null;
    // Restored only if nothing wrapped it after us (a second module instance restores its own first).
    if (installed && installed.adapter.status === installed.wrapper) installed.adapter.status = installed.original;
  }

  /** The router is about to run a handler: start timing the response, counted when it closes. */
  private handlerReached(reply: Reply): void {
    const response = reply.raw ?? reply;
    // Already timed: the interceptor too, or a second module instance, counts it once.
    if (this.inFlight.tracks(response)) return;
    const request = reply.request ?? reply.req;
    if (!request) return;
    if (!this.includeOwn && (request as unknown as Record<symbol, unknown>)[OWN_ROUTE_REQUEST] === true) return;
    const route = this.routeOf(request);
    if (route === NOT_COUNTED) return;
    this.inFlight.start(response, route, safeTenant(this.tenantOf, request));
  }

  /** The route's number: Express's request.route (cached per route object), else Fastify's routeOptions.url. */
  private routeOf(request: Request): number {
    const route = request.route as { path?: unknown } | undefined;
    if (route) {
      const known = this.routes.get(route);
      if (known !== undefined) return known;
      const id = typeof route.path === 'string' ? this.routeId(request.method, route.path) : NOT_COUNTED;
      this.routes.set(route, id);
      return id;
    }
    const url = (request as unknown as { routeOptions?: { url?: unknown } }).routeOptions?.url;
    if (typeof url !== 'string') return NOT_COUNTED;
    const key = `${request.method} ${url}`;
    let id = this.patterns.get(key);
    if (id === undefined) {
      id = this.routeId(request.method, url);
      this.patterns.set(key, id);
    }
    return id;
  }

  private routeId(method: string, pattern: string): number {
    return this.collector.routeId(`${method} ${pattern}`.slice(0, MAX_ROUTE_LENGTH));
  }
}
