/** The public surface of the metrics library: hosts import from here and nowhere else. */
export { MetricsModule } from './metrics.module.js';
export { METRICS_OPTIONS, type MetricsModuleExtras } from './metrics.module-definition.js';
export type {
  MetricsModuleOptions,
  SourceName,
  MetricsScheduleOptions,
  MetricsStripeOptions,
} from './metrics.options.js';
export { DEFAULT_ROUTE_PREFIX } from './metrics.options.js';
export { MetricsService } from './metrics.service.js';
export { MetricsScheduler } from './schedule/metrics-scheduler.service.js';
export { RUN_EVENTS } from './observability/run-observer.js';
export { MetricsRecorder } from './ingest/metrics-recorder.service.js';
export { MetricsConfigService } from './config/metrics-config.service.js';
export { TokensService, type TokenView } from './security/tokens.service.js';
export { AuditService, type AuditEntry, type AuditChainReport } from './security/audit.service.js';
export * from './ingest/event.types.js';
export { METRIC_CATALOG, PUBLIC_METRICS, findMetric } from './catalog/metric-catalog.js';
export type { MetricDefinition, MetricKind, MetricUnit } from './catalog/catalog.types.js';
export { METRICS_ENTITIES } from './entities/index.js';
export * from './entities/index.js';
export { METRICS_MIGRATIONS } from '../../../migrations/index.js';
export { metricsDataSourceOptions, type MetricsDatabaseOptions } from './database/data-source-options.js';
export { createPgliteDriver } from './database/pglite-driver.js';
export { defaultIsAdmin, TenantScoped, type MetricsActor } from './security/metrics-access.guard.js';
export type { MetricsSummary, SummaryQuery } from './read/summary.service.js';
export type { RunState } from './compute/runs.service.js';
export type { ComputeRequest, ComputeResult } from './compute/snapshot-compute.service.js';
export { metricsAdminResources } from './admin/admin-resources.js';
export { setupMetricsOpenApi } from './openapi/setup-openapi.js';
