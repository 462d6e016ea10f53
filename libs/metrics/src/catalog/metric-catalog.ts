import type { MetricDefinition } from './catalog.types.js';
import { USERS_METRICS } from './metrics/users.js';
import { ENGAGEMENT_METRICS } from './metrics/engagement.js';
import { ACTIVATION_METRICS } from './metrics/activation.js';
import { JOBS_METRICS } from './metrics/jobs.js';
import { OPERATIONS_METRICS } from './metrics/operations.js';
import { AI_METRICS } from './metrics/ai.js';
import { REVENUE_METRICS } from './metrics/revenue.js';
import { INVESTOR_REVENUE_METRICS } from './metrics/revenue-investor.js';
import { FINANCIAL_METRICS } from './metrics/financial.js';

/**
 * Every metric of docs/metrics.md, declared once. The snapshot columns, the SQL that fills them, the
 * weekly/monthly/range aggregation, the timeseries whitelist, the CSV header and the dashboard all read
 * this list: adding a metric means adding an entry here and a generated migration (docs/adding-a-metric.md).
 */
const CATALOG = [
  ...USERS_METRICS,
  ...ENGAGEMENT_METRICS,
  ...ACTIVATION_METRICS,
  ...JOBS_METRICS,
  ...OPERATIONS_METRICS,
  ...AI_METRICS,
  ...REVENUE_METRICS,
  ...INVESTOR_REVENUE_METRICS,
  ...FINANCIAL_METRICS,
] as const;

/** A key of the catalog: what the dashboard, the alerts and anything else in code may name. */
export type MetricKey = (typeof CATALOG)[number]['key'];

/** A metric of the catalog, its key known to be one. */
export type CatalogMetric = MetricDefinition & { key: MetricKey };

export const METRIC_CATALOG: readonly CatalogMetric[] = CATALOG;

/** The public catalog: what the API, the CSV and the dashboard show. */
export const PUBLIC_METRICS: readonly CatalogMetric[] = METRIC_CATALOG.filter((metric) => !metric.internal);

const byKey = new Map<string, CatalogMetric>(METRIC_CATALOG.map((metric) => [metric.key, metric]));

export function findMetric(key: string): CatalogMetric | undefined {
  return byKey.get(key);
}

export function isMetricKey(key: string): key is MetricKey {
  return byKey.has(key);
}

export function isPublicMetricKey(key: string): key is MetricKey {
  const metric = byKey.get(key);
  return metric !== undefined && !metric.internal;
}

export { LATENCY_BUCKETS_MS } from './facts/latency-histogram.js';
