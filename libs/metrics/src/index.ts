/** The public surface of the metrics library: hosts import from here and nowhere else. */
export { MetricsModule } from './metrics.module.js';
export { InjectMetricsOptions, METRICS_OPTIONS, type MetricsModuleExtras } from './metrics.module-definition.js';
export type {
  MetricsModuleOptions,
  MetricsRequest,
  SourceName,
  MetricsScheduleOptions,
  MetricsStripeOptions,
  MetricsApiOptions,
} from './metrics.options.js';
export { DEFAULT_ROUTE_PREFIX } from './metrics.options.js';
export { MetricsService } from './metrics.service.js';
export { MetricsScheduler } from './schedule/metrics-scheduler.service.js';
export { RUN_EVENTS } from './observability/run-observer.js';
export { MetricsRecorder } from './ingest/metrics-recorder.service.js';
export { MetricsApiCounter } from './ingest/metrics-api.counter.js';
export { MetricsApiInterceptor } from './ingest/metrics-api.interceptor.js';
export { MetricsApiMiddleware } from './ingest/metrics-api.middleware.js';
export { ApiRequestCollector } from './ingest/api-request-collector.service.js';
export { defaultApiTenant } from './ingest/api-tenant.js';
export { MetricsPrometheus } from './observability/prometheus-registry.js';
export { MetricsConfigService } from './repositories/metrics-config.service.js';
export { TokensService, type TokenView } from './security/tokens.service.js';
export { AuditService, type AuditEntry, type AuditChainReport } from './security/audit.service.js';
export {
  AuditPartitionsService,
  AuditArchiveRefused,
  AUDIT_MONTHS_AHEAD,
  type ArchivedMonths,
  type EnsuredPartitions,
} from './security/audit-partitions.service.js';
export { MetricsVerifier, type VerifyReport } from './verify/metrics-verifier.service.js';
export { MetricsHealthIndicator, type MetricsHealthStatus } from './verify/metrics-health.indicator.js';
export { StripeSyncService, type StripeSyncResult } from './billing/stripe-sync.service.js';
export { StripeEventsService, type StripeEventOutcome } from './billing/stripe-events.service.js';
export type { StripeEventEnvelope } from './billing/stripe-objects.js';
export { ManualRevenueService, type LedgerEntryView } from './billing/manual-revenue.service.js';
export * from './common/event.types.js';
export { METRIC_CATALOG, PUBLIC_METRICS, LATENCY_BUCKETS_MS, findMetric } from './catalog/metric-catalog.js';
export type { MetricKey } from './catalog/metric-catalog.js';
export { CSV_HEADER } from './read/csv-export.service.js';
export type { MetricDefinition, MetricKind, MetricUnit } from './catalog/catalog.types.js';
export { METRICS_ENTITIES } from './entities/index.js';
export * from './entities/index.js';
export { METRICS_MIGRATIONS } from '#migrations';
export { metricsDataSourceOptions, type MetricsDatabaseOptions } from './database/data-source-options.js';
export { createPgliteDriver } from './database/pglite-driver.js';
export { defaultIsAdmin, TenantScoped, type MetricsActor } from './security/metrics-access.guard.js';
export type { MetricsSummary, SummaryQuery } from './read/summary.service.js';
export type { RunView } from './compute/runs.service.js';
export type { ComputeRequest, ComputeResult } from './compute/snapshot-compute.service.js';
export { setupMetricsOpenApi } from './openapi/setup-openapi.js';
export { AlertEvaluator, type EvaluationRequest, type EvaluationResult } from './alerts/alert-evaluator.service.js';
export { AlertsService, type AlertPage, type DeliveryView, type SummaryAlert } from './alerts/alerts.service.js';
export type { AlertView } from './alerts/alert-view.js';
export type { MetricsAlertsOptions, AnomalySettings, DeliverySettings } from './alerts/alerts.options.js';
export { runMetricsCli, type MetricsCliOptions } from './cli/metrics-cli.js';
