import type { ResourceWithOptions } from 'adminjs';
import { MetricsAlert, MetricsAlertDelivery, MetricsAlertRule } from '../entities/alert.entities.js';

const NAVIGATION = { name: 'Exec Metrics', icon: 'Activity' };
const READ_ONLY = {
  new: { isAccessible: false },
  edit: { isAccessible: false },
  delete: { isAccessible: false },
  bulkDelete: { isAccessible: false },
};

/**
 * Alert history, rules and the delivery log for a host's AdminJS panel, read-only: acknowledging, rules and
 * channels go through the REST routes, which validate and audit. Channels are not listed here at all:
 * their settings hold SMTP passwords and webhook URLs.
 */
export function metricsAlertsAdminResources(): ResourceWithOptions[] {
  return [
    {
      resource: MetricsAlert,
      options: {
        navigation: NAVIGATION,
        listProperties: ['status', 'severity', 'kind', 'metric', 'tenant_id', 'bucket_date', 'value', 'last_seen'],
        filterProperties: ['status', 'severity', 'kind', 'metric', 'tenant_id', 'bucket_type', 'bucket_date'],
        showProperties: [
          'id',
          'status',
          'severity',
          'kind',
          'metric',
          'message',
          'value',
          'threshold',
          'expected',
          'expected_low',
          'expected_high',
          'bucket_type',
          'bucket_date',
          'tenant_id',
          'first_seen',
          'last_seen',
          'resolved_at',
          'acknowledged_by',
          'acknowledged_at',
        ],
        sort: { sortBy: 'last_seen', direction: 'desc' },
        actions: READ_ONLY,
      },
    },
    {
      resource: MetricsAlertDelivery,
      options: {
        navigation: NAVIGATION,
        listProperties: ['id', 'alert_id', 'channel_name', 'event', 'status', 'attempts', 'last_error', 'created_at'],
        filterProperties: ['status', 'event', 'channel_name', 'alert_id'],
        sort: { sortBy: 'id', direction: 'desc' },
        actions: READ_ONLY,
      },
    },
    {
      resource: MetricsAlertRule,
      options: { navigation: NAVIGATION, sort: { sortBy: 'created_at', direction: 'asc' }, actions: READ_ONLY },
    },
  ];
}
