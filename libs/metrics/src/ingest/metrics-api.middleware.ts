import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { PROMETHEUS_ENDPOINT, type PrometheusEndpointSettings } from '../observability/prometheus-endpoint.js';
import { ApiRequestCollector } from './api-request-collector.service.js';
import { defaultApiTenant, safeTenant } from './api-tenant.js';

const MAX_ROUTE_LENGTH = 255;

/**
 * The same counting as MetricsApiInterceptor, as an Express middleware: it sees every request, including those a
 * guard refuses (401/403) and unmatched ones (404, counted under the route ''), and it costs less than an
 * interceptor (Nest's interceptor pipeline is skipped). The status is what was sent; the duration runs until the
 * response is finished. `consumer.apply(MetricsApiMiddleware).forRoutes('*')` in the host's module.
 */
@Injectable()
export class MetricsApiMiddleware implements NestMiddleware {
  private readonly tenantOf: (request: Request) => string | null | undefined;
  private readonly ownPrefix: string | null;
  private readonly scrapePath: string | null;

  constructor(
    private readonly collector: ApiRequestCollector,
    @InjectMetricsOptions() options: ResolvedMetricsOptions,
    @Inject(PROMETHEUS_ENDPOINT) prometheus: PrometheusEndpointSettings,
  ) {
    this.tenantOf = options.apiTenant ?? defaultApiTenant;
    // No controller class here: the module's routes are recognised by their path (the route prefix may follow a
    // global prefix; the Prometheus path, short and generic, must match exactly).
    const include = collector.settings.includeOwnRoutes;
    this.ownPrefix = include ? null : `/${options.routePrefix}`;
    this.scrapePath = include || !prometheus.enabled ? null : `/${prometheus.path}`;
  }

  use(request: Request, response: Response, next: NextFunction): void {
    const at = Date.now();
    const started = performance.now();
    // 'close' comes after 'finish', and also when the client went away first: every request counts once.
    response.once('close', () => {
      const path = (request.route as { path?: unknown } | undefined)?.path;
      const pattern = typeof path === 'string' ? path : '';
      if (pattern && this.isOwn(pattern)) return;
      const route = pattern ? `${request.method} ${pattern}`.slice(0, MAX_ROUTE_LENGTH) : '';
      this.collector.count(
        safeTenant(this.tenantOf, request),
        this.collector.routeId(route),
        at,
        response.statusCode,
        performance.now() - started,
      );
    });
    next();
  }

  private isOwn(pattern: string): boolean {
    if (pattern === this.scrapePath) return true;
    return this.ownPrefix !== null && (pattern.endsWith(this.ownPrefix) || pattern.includes(`${this.ownPrefix}/`));
  }
}
