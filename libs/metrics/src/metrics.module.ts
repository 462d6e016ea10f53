import { Module, UseFilters, type DynamicModule, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComputeController } from './compute/compute.controller.js';
import { MetricsRunsService } from './compute/runs.service.js';
import { SnapshotComputeService } from './compute/snapshot-compute.service.js';
import { ConfigController } from './config/config.controller.js';
import { MetricsConfigService } from './config/metrics-config.service.js';
import { METRICS_ENTITIES } from './entities/index.js';
import { EventsController } from './ingest/events.controller.js';
import { MetricsRecorder } from './ingest/metrics-recorder.service.js';
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
import { RangeChecks } from './read/range-checks.js';
import { ReadCache } from './read/read-cache.service.js';
import { CsvExportService } from './read/csv-export.service.js';
import { ExportController } from './read/export.controller.js';
import { TimeseriesService } from './read/timeseries.service.js';
import { SummaryService } from './read/summary.service.js';
import { AuditController } from './security/audit.controller.js';
import { RateLimitModule } from './security/rate-limit.module.js';
import { AuditInterceptor } from './security/audit.interceptor.js';
import { AuditService } from './security/audit.service.js';
import { MetricsAccessGuard } from './security/metrics-access.guard.js';
import { MetricsErrorFilter } from './security/metrics-error.filter.js';
import { TokenBootstrap } from './security/token-bootstrap.js';
import { TokensController } from './security/tokens.controller.js';
import { TokensService } from './security/tokens.service.js';
import { RunObserver } from './observability/run-observer.js';
import { MetricsScheduler } from './schedule/metrics-scheduler.service.js';
import { PgLeaseLocker } from './schedule/pg-lease-locker.js';

const CONTROLLERS: Type[] = [
  EventsController,
  ComputeController,
  MetricsReadController,
  ConfigController,
  ExportController,
  TokensController,
  AuditController,
];

const PROVIDERS = [
  MetricsConfigService,
  SnapshotComputeService,
  MetricsRunsService,
  SummaryService,
  CohortsService,
  TimeseriesService,
  RangeChecks,
  ReadCache,
  CsvExportService,
  MetricsRecorder,
  MetricsService,
  MetricsAccessGuard,
  TokensService,
  TokenBootstrap,
  AuditService,
  AuditInterceptor,
  RunObserver,
  MetricsScheduler,
  PgLeaseLocker,
];

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

  private static wire(definition: DynamicModule, extras: MetricsModuleExtras): DynamicModule {
    const prefix = (extras.routePrefix ?? 'api/system/metrics').replace(/^\/+|\/+$/g, '');
    const rateLimit = extras.rateLimit === false ? false : (extras.rateLimit ?? { limit: 600, ttlMs: 60_000 });
    // One prefix for every route of the module, taken from the options (a host mounts the module once).
    for (const controller of CONTROLLERS) Reflect.defineMetadata(PATH_METADATA, prefix, controller);
    // Every route answers JSON with a reason, database outages included (503), never an unexplained 500.
    for (const controller of CONTROLLERS) UseFilters(MetricsErrorFilter)(controller);
    return {
      ...definition,
      imports: [
        ...(definition.imports ?? []),
        TypeOrmModule.forFeature(METRICS_ENTITIES),
        RateLimitModule.forRoutes(prefix, rateLimit),
      ],
      controllers: CONTROLLERS,
      providers: [
        ...(definition.providers ?? []),
        {
          provide: METRICS_OPTIONS,
          useFactory: (options: MetricsModuleOptions) => resolveOptions(options, prefix),
          inject: [METRICS_MODULE_OPTIONS],
        },
        ...PROVIDERS,
      ],
      exports: [
        MetricsService,
        MetricsRecorder,
        MetricsConfigService,
        MetricsScheduler,
        TokensService,
        AuditService,
        METRICS_OPTIONS,
      ],
    };
  }
}
