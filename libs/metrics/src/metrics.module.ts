import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { RouterModule, type Routes } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BillingStatus } from './sources/billing-status.service.js';
import { ConventionsChangeService } from './config/conventions-change.service.js';
import { ConfigChanges } from './config/config-changes.service.js';
import { Backfills } from './compute/backfill.service.js';
import { ConventionsCompareService } from './billing/conventions-compare.service.js';
import { RevenueChecksController } from './billing/revenue-checks.controller.js';
import { RevenueCustomersController } from './billing/revenue-customers.controller.js';
import { RevenueMovementsController } from './billing/revenue-movements.controller.js';
import { RevenueMovementsService } from './billing/revenue-movements.service.js';
import { RevenueCustomersService } from './billing/revenue-customers.service.js';
import { BillingStore } from './billing/billing-store.js';
import { ManualRevenueService } from './billing/manual-revenue.service.js';
import { RevenueController } from './billing/revenue.controller.js';
import { StripeEventsService } from './billing/stripe-events.service.js';
import { StripeWebhooks } from './billing/stripe-webhook.service.js';
import { StripeSyncController } from './billing/stripe-sync.controller.js';
import { StripeSyncService } from './billing/stripe-sync.service.js';
import { StripeWebhookController } from './billing/stripe-webhook.controller.js';
import { STRIPE_SDK_PROVIDER } from './billing/stripe-client.js';
import { ALERT_PROVIDERS, AlertsController } from './alerts/alerts.providers.js';
import { AnnotationsController } from './annotations/annotations.controller.js';
import { AnnotationsService } from './annotations/annotations.service.js';
import { ComputeController } from './compute/compute.controller.js';
import { MetricsRunsService } from './compute/runs.service.js';
import { SnapshotComputeService } from './compute/snapshot-compute.service.js';
import { CohortComputeService } from './compute/cohort-compute.service.js';
import { MetricsSources } from './sources/source-check.js';
import { ConfigController } from './config/config.controller.js';
import { MetricsConfigService } from './repositories/metrics-config.service.js';
import { METRICS_ENTITIES } from './entities/index.js';
import { EventsController } from './ingest/events.controller.js';
import { MetricsRecorder } from './ingest/metrics-recorder.service.js';
import { EventWriter } from './ingest/event-writer.js';
import {
  METRICS_ASYNC_OPTIONS_TYPE,
  METRICS_MODULE_OPTIONS,
  METRICS_OPTIONS,
  METRICS_OPTIONS_TYPE,
  MetricsConfigurableModule,
  type MetricsModuleExtras,
} from './metrics.module-definition.js';
import { resolveOptions, type MetricsModuleOptions } from './metrics.options.js';
import { MetricsService } from './metrics.service.js';
import { CohortsService } from './read/cohorts.service.js';
import { MetricsReadController } from './read/metrics-read.controller.js';
import { FirstViewController } from './read/first-view.controller.js';
import { FirstViewService } from './read/first-view.service.js';
import { RangeChecks } from './security/range-checks.js';
import { ReadCache } from './repositories/read-cache.service.js';
import { REPOSITORIES } from './repositories/repositories.providers.js';
import { DashboardReads } from './read/dashboard-reads.service.js';
import { CsvExportService } from './read/csv-export.service.js';
import { ExportController } from './read/export.controller.js';
import { TimeseriesService } from './read/timeseries.service.js';
import { TenantsController } from './read/tenants.controller.js';
import { TenantRankingController } from './read/tenant-ranking.controller.js';
import { TenantRankingService } from './read/tenant-ranking.service.js';
import { SummaryService } from './read/summary.service.js';
import { AuditController } from './security/audit.controller.js';
import { RateLimitModule } from './security/rate-limit.module.js';
import { AuditInterceptor } from './security/audit.interceptor.js';
import { AuditService } from './security/audit.service.js';
import { AuditedChange } from './security/audited-changes.service.js';
import { AuditPartitionsService } from './security/audit-partitions.service.js';
import { MetricsAccessGuard } from './security/metrics-access.guard.js';
import { TokenBootstrap } from './security/token-bootstrap.js';
import { TokensController } from './security/tokens.controller.js';
import { MetricsHealthIndicator } from './verify/metrics-health.indicator.js';
import { MetricsVerifier } from './verify/metrics-verifier.service.js';
import { VerifyController } from './verify/verify.controller.js';
import { TokensService } from './security/tokens.service.js';
import { RunObserver } from './observability/run-observer.js';
import { HeadlineGauges } from './observability/headline-gauges.js';
import {
  PROMETHEUS_ENDPOINT,
  PrometheusController,
  PrometheusScrapeGuard,
  type PrometheusEndpointSettings,
} from './observability/prometheus-endpoint.js';
import { MetricsPrometheus, PROM_CLIENT_PROVIDER } from './observability/prometheus-registry.js';
import { ApiRequestCollector } from './ingest/api-request-collector.service.js';
import { MetricsApiCounter } from './ingest/metrics-api.counter.js';
import { MetricsApiInterceptor } from './ingest/metrics-api.interceptor.js';
import { MetricsApiMiddleware } from './ingest/metrics-api.middleware.js';
import { MetricsScheduler } from './schedule/metrics-scheduler.service.js';
import { PgLeaseLocker } from './schedule/pg-lease-locker.js';

const CONTROLLERS: Type[] = [
  EventsController,
  ComputeController,
  MetricsReadController,
  FirstViewController,
  ConfigController,
  ExportController,
  TokensController,
  AuditController,
  StripeWebhookController,
  StripeSyncController,
  RevenueController,
  RevenueChecksController,
  RevenueCustomersController,
  RevenueMovementsController,
  AlertsController,
  TenantsController,
  TenantRankingController,
  AnnotationsController,
  VerifyController,
];

const PROVIDERS = [
  AnnotationsService,
  MetricsConfigService,
  MetricsSources,
  MetricsVerifier,
  MetricsHealthIndicator,
  SnapshotComputeService,
  CohortComputeService,
  MetricsRunsService,
  SummaryService,
  DashboardReads,
  FirstViewService,
  CohortsService,
  TimeseriesService,
  RangeChecks,
  ReadCache,
  CsvExportService,
  MetricsRecorder,
  EventWriter,
  MetricsService,
  MetricsAccessGuard,
  TokensService,
  TokenBootstrap,
  AuditService,
  AuditedChange,
  AuditPartitionsService,
  AuditInterceptor,
  RunObserver,
  MetricsPrometheus,
  PROM_CLIENT_PROVIDER,
  HeadlineGauges,
  PrometheusScrapeGuard,
  ApiRequestCollector,
  MetricsApiCounter,
  MetricsApiInterceptor,
  MetricsApiMiddleware,
  MetricsScheduler,
  PgLeaseLocker,
  BillingStore,
  BillingStatus,
  StripeEventsService,
  StripeWebhooks,
  StripeSyncService,
  STRIPE_SDK_PROVIDER,
  ManualRevenueService,
  ConventionsChangeService,
  ConfigChanges,
  Backfills,
  ConventionsCompareService,
  RevenueCustomersService,
  RevenueMovementsService,
  TenantRankingService,
  ...ALERT_PROVIDERS,
  ...REPOSITORIES,
];

/** The providers of one MetricsModule import (see MetricsModule.wire). */
@Module({})
class MetricsCoreModule {}

/** A module class of its own holding `controllers`, for RouterModule to mount under one import's path. */
function routesModule(name: string, core: DynamicModule, controllers: Type[]): DynamicModule & { module: Type } {
  // A fresh class per call, named for Nest's logs; Module({}) marks it as a module like a decorated class.
  const routes = { [name]: class {} }[name];
  Module({})(routes);
  return { module: routes, imports: [core], controllers };
}

/**
 * The metrics plugin. Wiring only: the host's TypeORM data source must include METRICS_ENTITIES and
 * METRICS_MIGRATIONS (metricsDataSourceOptions() builds such options).
 */
@Module({})
export class MetricsModule extends MetricsConfigurableModule {
  static forRoot(options: typeof METRICS_OPTIONS_TYPE): DynamicModule {
    return MetricsModule.wire(super.forRoot(options), options);
  }

  static forRootAsync(options: typeof METRICS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return MetricsModule.wire(super.forRootAsync(options), options);
  }

  /** The `prometheusEndpoint` extra resolved: null when the route is off (the default). */
  private static prometheusEndpoint(extras: MetricsModuleExtras): PrometheusEndpointSettings | null {
    const endpoint = extras.prometheusEndpoint;
    if (!endpoint) return null;
    const settings = endpoint === true ? {} : endpoint;
    return {
      enabled: true,
      path: (settings.path ?? 'metrics').replace(/^\/+|\/+$/g, ''),
      scrapeToken: settings.scrapeToken ?? null,
    };
  }

  private static wire(definition: DynamicModule, extras: MetricsModuleExtras): DynamicModule {
    const prefix = (extras.routePrefix ?? 'api/system/metrics').replace(/^\/+|\/+$/g, '');
    const rateLimit = extras.rateLimit === false ? false : (extras.rateLimit ?? { limit: 600, ttlMs: 60_000 });
    const prometheus = MetricsModule.prometheusEndpoint(extras);
    const entities = TypeOrmModule.forFeature(METRICS_ENTITIES);
    // The providers live in one inner module that the route modules import: its exports reach only them and,
    // re-exported below, the host.
    const providers = [
      ...(definition.providers ?? []),
      {
        provide: METRICS_OPTIONS,
        useFactory: (options: MetricsModuleOptions) => resolveOptions(options, prefix),
        inject: [METRICS_MODULE_OPTIONS],
      },
      {
        provide: PROMETHEUS_ENDPOINT,
        useValue: prometheus ?? { enabled: false, path: 'metrics', scrapeToken: null },
      },
      ...PROVIDERS,
    ];
    const core: DynamicModule = {
      module: MetricsCoreModule,
      imports: [...(definition.imports ?? []), entities],
      providers,
      exports: [...providers.map((provider) => ('provide' in provider ? provider.provide : provider)), entities],
    };
    // RouterModule mounts a module's controllers under a path and keys that path by module class: each forRoot
    // gets route module classes of its own, so a second import under another prefix leaves the first one's
    // routes where they are. The controller classes themselves carry no path (MetricsRoutes).
    const mounted = [routesModule('MetricsApiRoutes', core, CONTROLLERS)];
    const routes: Routes = [{ path: prefix, module: mounted[0].module }];
    if (prometheus) {
      // The scrape route lives outside the prefix (GET /metrics by default): a route module of its own.
      mounted.push(routesModule('MetricsPrometheusRoute', core, [PrometheusController]));
      routes.push({ path: prometheus.path, module: mounted[1].module });
    }
    return {
      module: MetricsModule,
      global: definition.global,
      imports: [core, ...mounted, RouterModule.register(routes), RateLimitModule.forRoutes(prefix, rateLimit)],
      // The host gets what the providers' module exports (the services docs/host-integration.md names among them).
      exports: [core],
    };
  }
}
