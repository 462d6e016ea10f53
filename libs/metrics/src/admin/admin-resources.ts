import { ForbiddenError, type ActionContext, type ActionRequest, type ResourceWithOptions } from 'adminjs';
import type { MetricKey } from '../catalog/metric-catalog.js';
import { CohortRetention } from '../entities/cohort-retention.entity.js';
import { MetricsConfigEntity } from '../entities/config.entity.js';
import { MetricsRun } from '../entities/run.entity.js';
import { MetricsApiToken, MetricsAuditLog } from '../entities/security.entity.js';
import { MetricsSnapshot } from '../entities/snapshot.entity.js';
import { ActivationEvent } from '../entities/source-events.entity.js';
import { defaultPanelAdmin, type PanelAdminTest } from './admin-access.js';
import { metricsAlertsAdminResources } from './alerts-resources.js';
import type { MetricsComponentNames } from './admin-components.js';

/** The sidebar group (components/open-navigation.ts opens it for a new admin: keep the names equal). */
const NAVIGATION = { name: 'Exec Metrics', icon: 'Activity' };
const BUILT_IN = ['list', 'show', 'search', 'new', 'edit', 'delete', 'bulkDelete'] as const;
const WRITES = ['new', 'edit', 'delete', 'bulkDelete'] as const;

export interface MetricsAdminResourceOptions {
  isAdmin?: PanelAdminTest;
  /** Component names from registerMetricsComponents; without them config and tokens are read-only. */
  components?: MetricsComponentNames;
}

type ActionOptions = Record<string, Record<string, unknown>>;

/**
 * A write that must go through the REST API (validation, audit, token hashing): the form component calls the API;
 * the AdminJS handler only serves the record and refuses a direct POST.
 */
function throughApi(component: string, isAccessible: (context: ActionContext) => boolean) {
  return {
    component,
    isAccessible,
    // AdminJS awaits a handler's promise; nothing here waits for anything.
    handler: (request: ActionRequest, _response: unknown, context: ActionContext) =>
      request.method === 'post'
        ? Promise.reject(new ForbiddenError('This form saves through the metrics API'))
        : Promise.resolve({ record: context.record?.toJSON(context.currentAdmin) }),
  };
}

/** Every built-in action admin-only; writes off unless `writes` replaces them. */
function adminOnlyActions(isAccessible: (context: ActionContext) => boolean, writes: ActionOptions = {}) {
  const actions: ActionOptions = {};
  for (const name of BUILT_IN) actions[name] = { isAccessible };
  for (const name of WRITES) actions[name] = { isAccessible: false };
  return { ...actions, ...writes };
}

/** The metrics the snapshot list shows next to its keys (the rest are on each snapshot's page). */
export const SNAPSHOT_LIST_METRICS: MetricKey[] = ['total_customers', 'dau', 'mau', 'mrr', 'jobs_total', 'error_rate'];

/**
 * The module's AdminJS resources, for a host's existing panel: `resources: [...metricsAdminResources()]`.
 * Snapshots, cohorts, runs, activation events and the audit log are read-only. The configuration and the tokens
 * change only through the REST API (which validates and audits); their forms call it.
 */
export function metricsAdminResources(options: MetricsAdminResourceOptions = {}): ResourceWithOptions[] {
  const isAdmin = options.isAdmin ?? defaultPanelAdmin;
  const allowed = ({ currentAdmin }: ActionContext) => isAdmin(currentAdmin);
  const components = options.components;
  const readOnly = { navigation: NAVIGATION, actions: adminOnlyActions(allowed) };
  return [
    {
      resource: MetricsSnapshot,
      options: {
        ...readOnly,
        listProperties: ['bucket_type', 'bucket_date', 'tenant_id', ...SNAPSHOT_LIST_METRICS, 'computed_at'],
        // The title column is the one a phone still shows.
        properties: { bucket_date: { isTitle: true } },
        filterProperties: ['bucket_type', 'bucket_date', 'tenant_id', 'environment'],
        sort: { sortBy: 'bucket_date', direction: 'desc' },
      },
    },
    {
      resource: MetricsConfigEntity,
      options: {
        navigation: NAVIGATION,
        // A few short columns: with every field the list was cut off on the right and cells wrapped per character.
        listProperties: [
          'timezone',
          'currency',
          'churn_spike_threshold_pct',
          'monthly_burn_rate',
          'updated_by',
          'updated_at',
        ],
        actions: adminOnlyActions(allowed, components ? { edit: throughApi(components.configEdit, allowed) } : {}),
      },
    },
    { resource: CohortRetention, options: { ...readOnly, sort: { sortBy: 'cohort_month', direction: 'desc' } } },
    { resource: MetricsRun, options: { ...readOnly, sort: { sortBy: 'created_at', direction: 'desc' } } },
    { resource: ActivationEvent, options: readOnly },
    {
      resource: MetricsAuditLog,
      options: {
        navigation: NAVIGATION,
        // The record page shows its parameters and before/after changes as tables (AdminJS leaves JSON empty).
        actions: adminOnlyActions(
          allowed,
          components ? { show: { isAccessible: allowed, component: components.auditShow } } : {},
        ),
        listProperties: ['at', 'actor', 'action', 'method', 'route', 'outcome'],
        properties: { action: { isTitle: true } },
        filterProperties: ['at', 'actor', 'action', 'outcome'],
        sort: { sortBy: 'at', direction: 'desc' },
      },
    },
    {
      resource: MetricsApiToken,
      options: {
        navigation: NAVIGATION,
        // The hash never leaves the server (the entity does not even select it).
        properties: { token_hash: { isVisible: false } },
        listProperties: ['name', 'scope', 'token_prefix', 'created_by', 'created_at', 'last_used_at', 'revoked_at'],
        actions: adminOnlyActions(
          allowed,
          components
            ? {
                new: { ...throughApi(components.tokenCreate, allowed), handler: tokenFormHandler },
                revoke: {
                  actionType: 'record',
                  icon: 'Slash',
                  ...throughApi(
                    components.tokenRevoke,
                    (context) => allowed(context) && !context.record?.params.revoked_at,
                  ),
                },
              }
            : {},
        ),
      },
    },
    // Alert history, rules and deliveries: read-only here (acknowledging and rules go through the audited API).
    ...metricsAlertsAdminResources().map((entry) => ({
      ...entry,
      options: { ...entry.options, actions: adminOnlyActions(allowed) },
    })),
  ];
}

/** The "new token" form is a resource action: it has no record to serve. */
function tokenFormHandler(request: ActionRequest) {
  if (request.method === 'post') return Promise.reject(new ForbiddenError('This form saves through the metrics API'));
  return Promise.resolve({});
}
