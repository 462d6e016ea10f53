import {
  type CanActivate,
  type ExecutionContext,
  Get,
  Inject,
  Injectable,
  Res,
  ServiceUnavailableException,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Audited, AuditInterceptor } from '../security/audit.interceptor.js';
import { MetricsAccessGuard, type RequestWithActor } from '../security/metrics-access.guard.js';
import { HeadlineGauges } from './headline-gauges.js';
import { PROMETHEUS_ENDPOINT, type PrometheusEndpointSettings } from './prometheus-endpoint.settings.js';
import { MetricsPrometheus } from './prometheus-registry.js';
import { MetricsRoutes } from '../security/metrics-routes.decorator.js';

export { PROMETHEUS_ENDPOINT, type PrometheusEndpointSettings } from './prometheus-endpoint.settings.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * A Prometheus scraper presents the configured scrape token (compared in constant time); anyone else goes
 * through the module's guard with admin scope (isAdmin or an admin bearer token): 401 / 403 otherwise.
 */
@Injectable()
export class PrometheusScrapeGuard implements CanActivate {
  private readonly tokenDigest: Buffer | null;

  constructor(
    private readonly access: MetricsAccessGuard,
    @Inject(PROMETHEUS_ENDPOINT) settings: PrometheusEndpointSettings,
  ) {
    this.tokenDigest = settings.scrapeToken ? digest(settings.scrapeToken) : null;
  }

  canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (this.tokenDigest && match && timingSafeEqual(digest(match[1]), this.tokenDigest)) {
      request.metricsActor = { kind: 'token', id: 'token:prometheus-scrape', scope: 'ingest' };
      return true;
    }
    return this.access.canActivate(context);
  }
}

/** GET /metrics (path configurable): the module's counters and the latest headline metrics, text format. */
@MetricsRoutes()
@ApiTags('metrics: prometheus')
export class PrometheusController {
  constructor(
    private readonly prometheus: MetricsPrometheus,
    private readonly headline: HeadlineGauges,
  ) {}

  @Get()
  @UseGuards(PrometheusScrapeGuard)
  @UseInterceptors(AuditInterceptor)
  @Audited('read')
  @ApiOperation({ summary: 'Prometheus exposition: run and API-interceptor counters, latest headline metrics' })
  @ApiOkResponse({ description: 'text/plain; version=0.0.4' })
  async scrape(@Res({ passthrough: true }) response: Response): Promise<string> {
    try {
      await this.headline.refresh();
    } catch {
      throw new ServiceUnavailableException('The latest snapshot could not be read');
    }
    // The route exists only with prometheusEndpoint on, which loads prom-client: the registry is there.
    const registry = this.prometheus.registry!;
    response.setHeader('content-type', registry.contentType);
    return registry.metrics();
  }
}
