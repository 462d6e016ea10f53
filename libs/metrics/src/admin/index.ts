/**
 * The AdminJS part of the metrics (`@exec-metrics/metrics/admin`): resources, dashboard, pages and components for a
 * host's AdminJS panel. Kept apart from the main entry so that a host without AdminJS never loads it.
 */
export { metricsAdmin, type MetricsAdmin, type MetricsAdminOptions } from './metrics-admin.js';
export { metricsAdminResources, type MetricsAdminResourceOptions } from './admin-resources.js';
export { metricsAlertsAdminResources } from './alerts-resources.js';
export { registerMetricsComponents, type MetricsComponentNames } from './admin-components.js';
export { adminSessionIsAdmin, defaultPanelAdmin, type PanelAdminTest } from './admin-access.js';
export { bundleAdminComponents } from './bundle-components.js';
