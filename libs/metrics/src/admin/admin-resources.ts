import type { ResourceWithOptions } from 'adminjs';
import { CohortRetention } from '../entities/cohort-retention.entity.js';
import { MetricsConfigEntity } from '../entities/config.entity.js';
import { MetricsRun } from '../entities/run.entity.js';
import { MetricsSnapshot } from '../entities/snapshot.entity.js';
import { ActivationEvent } from '../entities/source-events.entity.js';
import { PUBLIC_METRICS } from '../catalog/metric-catalog.js';

const NAVIGATION = { name: 'Exec Metrics', icon: 'Activity' };
const READ_ONLY = {
  new: { isAccessible: false },
  edit: { isAccessible: false },
  delete: { isAccessible: false },
  bulkDelete: { isAccessible: false },
};

/**
 * The module's AdminJS resources, for a host's existing panel: `resources: [...metricsAdminResources()]`.
 * Everything is read-only here: configuration changes go through PATCH config, which validates and audits them.
 */
export function metricsAdminResources(): ResourceWithOptions[] {
  const headline = ['total_customers', 'dau', 'mau', 'mrr', 'jobs_total', 'error_rate'].filter((key) =>
    PUBLIC_METRICS.some((metric) => metric.key === key),
  );
  return [
    {
      resource: MetricsSnapshot,
      options: {
        navigation: NAVIGATION,
        listProperties: ['bucket_type', 'bucket_date', 'tenant_id', ...headline, 'computed_at'],
        filterProperties: ['bucket_type', 'bucket_date', 'tenant_id', 'environment'],
        sort: { sortBy: 'bucket_date', direction: 'desc' },
        actions: READ_ONLY,
      },
    },
    {
      resource: MetricsConfigEntity,
      // Read-only here until the panel's own edit action validates and audits changes like PATCH config does.
      options: { navigation: NAVIGATION, actions: READ_ONLY },
    },
    {
      resource: CohortRetention,
      options: { navigation: NAVIGATION, sort: { sortBy: 'cohort_month', direction: 'desc' }, actions: READ_ONLY },
    },
    {
      resource: MetricsRun,
      options: { navigation: NAVIGATION, sort: { sortBy: 'created_at', direction: 'desc' }, actions: READ_ONLY },
    },
    { resource: ActivationEvent, options: { navigation: NAVIGATION, actions: READ_ONLY } },
  ];
}
