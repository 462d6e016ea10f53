import type { LocaleTranslations } from 'adminjs';
import { PUBLIC_METRICS } from '../catalog/metric-catalog.js';

/** The snapshot list's column names: the catalog's labels, not "Dau" and "Mrr". */
const SNAPSHOT_PROPERTIES: Record<string, string> = {
  bucket_type: 'Bucket',
  bucket_date: 'Date',
  tenant_id: 'Tenant',
  computed_at: 'Computed at',
  ...Object.fromEntries(PUBLIC_METRICS.map((metric) => [metric.key, metric.label])),
};

/**
 * The panel's words instead of AdminJS's defaults: the login page names the product (not "Welcome to AdminJS"),
 * the sidebar shows what each resource is rather than its class name. A host merges these into its `locale`.
 */
export const METRICS_ADMIN_TRANSLATIONS: LocaleTranslations = {
  components: {
    Login: {
      welcomeHeader: 'Exec Metrics',
      welcomeMessage: 'Revenue, users and operations of every tenant, in one place. Sign in with your admin account.',
    },
  },
  labels: {
    navigation: 'Navigation',
    MetricsSnapshot: 'Snapshots',
    MetricsConfigEntity: 'Configuration',
    CohortRetention: 'Cohorts',
    MetricsRun: 'Runs',
    ActivationEvent: 'Activation events',
    MetricsAuditLog: 'Audit log',
    MetricsApiToken: 'API tokens',
    MetricsAlert: 'Alerts',
    MetricsAlertDelivery: 'Alert deliveries',
    MetricsAlertRule: 'Alert rules',
  },
  resources: {
    MetricsSnapshot: { properties: SNAPSHOT_PROPERTIES },
    MetricsAuditLog: { properties: { at: 'When', actor: 'Who', outcome: 'Outcome' } },
  },
};
