import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { Request } from 'express';
import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { METRICS_OPTIONS } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { isOwnController } from '../metrics-own-routes.js';
import { ApiRequestCollector } from './api-request-collector.service.js';
import { defaultApiTenant, safeTenant } from './api-tenant.js';

const MAX_ROUTE_LENGTH = 255;

/** "/a/" + "/b" → "/a/b"; Nest's metadata paths may carry or lack slashes at either end. */
function joinPath(...parts: unknown[]): string {
  const segments = parts.flatMap((part) => (Array.isArray(part) ? part.slice(0, 1) : [part]));
  return `/${segments
    .filter((part): part is string => typeof part === 'string')
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part.length > 0)
    .join('/')}`;
}

/**
 * Counts the host's API requests for the operations metrics: per tenant, route pattern (`GET /users/:id`, never
 * the raw URL), status and duration, handed to ApiRequestCollector which writes them in batches. The request
 * never waits for the database.
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

  constructor(
    private readonly collector: ApiRequestCollector,
    @Inject(METRICS_OPTIONS) options: ResolvedMetricsOptions,
  ) {
    this.tenantOf = options.apiTenant ?? defaultApiTenant;
    this.includeOwn = collector.settings.includeOwnRoutes;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    if (!this.includeOwn && isOwnController(context.getClass())) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const path = this.routePattern(request, context);
    // Express's response, or the Node response under Fastify's reply.
    const reply = http.getResponse<ServerResponse & { raw?: ServerResponse }>();
    const response = reply.raw ?? reply;
    const at = Date.now();
    const started = performance.now();
    const tenant = safeTenant(this.tenantOf, request);
    const route = `${request.method} ${path}`.slice(0, MAX_ROUTE_LENGTH);
    // Counted when the response is done, with the status the client received: a thrown HttpException as its
    // status, any other exception as 500 (Nest's exception filter). 'close' also comes when the client went away
    // first, so every request counts once. No rxjs operator is added to the handler's stream: the interceptor
    // costs what Nest's interceptor pipeline costs, plus a listener.
    response.once('close', () =>
      this.collector.record({
        tenant,
        at,
        route,
        status: response.statusCode,
        durationMs: performance.now() - started,
      }),
    );
    return next.handle();
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
