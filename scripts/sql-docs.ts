/**
 * Published SQL: renders every statement a repository or the compute runs, with sample parameters, into
 * docs/sql/*.sql, so that a reviewer reads finished SQL in a diff (the model is immich's sync-sql).
 *
 *   npm run sql:generate   writes docs/sql/
 *   npm run sql:check      renders in memory and fails naming each stale, missing or unexpected file
 *
 * Run by tsx, from the library's sources. The output depends only on the code and the samples below (no clock,
 * no database), so it is the same on every machine.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'sql-formatter';
import type { Statement } from '../libs/metrics/src/database/statement.js';
import { runStatements } from '../libs/metrics/src/repositories/runs.repository.js';
import {
  summaryStatements,
  type SummaryReadQuery,
} from '../libs/metrics/src/repositories/snapshot-summary.repository.js';
import {
  computeStatements,
  USER_DAY_COUNTS_TABLE,
  USER_DAYS_TABLE,
  RUN_ACTIVE_DAYS_TABLE,
  USER_YEARS_TABLE,
  FOLDED_USER_YEARS_TABLE,
} from '../libs/metrics/src/repositories/compute-statements.js';
import { keyActionDaysStatements } from '../libs/metrics/src/repositories/key-action-days.repository.js';
import { billingMovementStatements } from '../libs/metrics/src/repositories/billing-movements.repository.js';
import { aiUsageDaysStatements } from '../libs/metrics/src/repositories/ai-usage-days.repository.js';
import { storedWorkStatements } from '../libs/metrics/src/repositories/stored-daily-work.repository.js';
import { snapshotStatements } from '../libs/metrics/src/repositories/snapshots.repository.js';
import { auditStatements } from '../libs/metrics/src/repositories/audit.repository.js';
import { auditPartitionStatements } from '../libs/metrics/src/repositories/audit-partition.repository.js';
import { alertDeliveryStatements } from '../libs/metrics/src/repositories/alert-deliveries.repository.js';
import { dirtyDayStatements } from '../libs/metrics/src/repositories/dirty-days.repository.js';
import { conventionStatements } from '../libs/metrics/src/repositories/conventions.repository.js';
import { annotationStatements } from '../libs/metrics/src/repositories/annotations.repository.js';
import { alertStatements } from '../libs/metrics/src/repositories/alerts.repository.js';
import { ledgerStatements } from '../libs/metrics/src/repositories/ledger.repository.js';
import { revenueCustomerStatements } from '../libs/metrics/src/repositories/revenue-customers.repository.js';
import { revenueCompareStatements } from '../libs/metrics/src/repositories/revenue-compare.repository.js';
import { tenantRankingStatements } from '../libs/metrics/src/repositories/tenant-ranking.repository.js';
import { snapshotExportStatements } from '../libs/metrics/src/repositories/snapshot-export.repository.js';
import { scheduleStatements } from '../libs/metrics/src/repositories/schedule.repository.js';
import { verifyStatements } from '../libs/metrics/src/repositories/verify.repository.js';
import { sourceCheckStatements } from '../libs/metrics/src/repositories/source-check.repository.js';
import { SourceRelations } from '../libs/metrics/src/sql/source-relations.js';
import { activationRefreshSql } from '../libs/metrics/src/sql/activation-refresh.sql.js';
import { billingStateStatements } from '../libs/metrics/src/repositories/billing-state.repository.js';
import { ledgerEntryStatements } from '../libs/metrics/src/repositories/ledger-entries.repository.js';
import { stripeEventStatements } from '../libs/metrics/src/repositories/stripe-events.repository.js';
import { eventStatements } from '../libs/metrics/src/repositories/events.repository.js';
import { alertChannelStatements } from '../libs/metrics/src/repositories/alert-channels.repository.js';
import { anomalyStatements } from '../libs/metrics/src/repositories/snapshot-anomalies.repository.js';

const OUT_DIR = 'docs/sql';

/** One rendered statement: its name as the code calls it, and what it was built from. */
export interface Sample {
  name: string;
  /** The builder's inputs that shape the text (sources, bucket, scope), shown in the header. */
  built: Record<string, unknown>;
  statement: Statement;
}

export interface SqlDoc {
  file: string;
  code: string;
  samples: Sample[];
}

// Every source connected (the widest statements), the module's own tables as sources, the global view.
const ENABLED = new Set(['lifecycle', 'activity', 'activation', 'config', 'billing', 'jobs', 'ai', 'api']);
const OWN_TABLES = new SourceRelations({});
/** A host's own relations for two sources (`sources` option), read through the module's wrapping SELECT. */
const HOST_RELATIONS = new SourceRelations({ activity: 'public.host_logins', lifecycle: 'public.host_signups' });
const ENV = 'production';

const COMPUTE_PARAMS = {
  tz: 'Europe/Berlin',
  tenant: null,
  actions: ['created_project', 'invited_teammate'],
  as_of: '2026-03-02T08:00:00.000Z',
  env: ENV,
  monthly_burn_rate: 50000,
  cash_balance: 900000,
  runway_months: 18,
  currency: 'USD',
  rates: '{"EUR":1.08}',
  quick_reactivation: true,
  outstanding_invoices_count: 3,
  outstanding_invoices_value: 1200,
  d0: '2026-01-01',
  d1: '2026-03-01',
  w0: '2025-12-29',
  w1: '2026-03-02',
};

/** A one-day run on a month's last day that takes the month's earlier days from the stored daily work. */
const STORED_WORK_PARAMS = {
  ...COMPUTE_PARAMS,
  d0: '2026-03-31',
  d1: '2026-03-31',
  w0: '2026-03-01',
  w1: '2026-04-01',
  as_of: '2026-04-01T04:00:00.000Z',
  inputs: '3f1c…(sha-256 of the inputs)',
  reuse_from: '2026-03-01',
  clear_from: '2026-03-31',
  store_from: '2026-03-31',
  work_from: '2026-03-01',
};

/** A nightly run's cohort statement: the day it has just computed (03-01), only the months it can change rewritten. */
const NIGHTLY_COHORT_DAYS = { changed_from: '2026-03-01', changed_to: '2026-03-01', force: false };

const MOVEMENT_TERMS = { tz: 'UTC', currency: 'USD', rates: '{"EUR":1.1}' };

const SUMMARY: SummaryReadQuery = {
  env: ENV,
  start: '2026-01-01',
  end: '2026-03-01',
  tenant: null,
  bucket: 'daily',
  asOf: '2026-03-02T08:00:00.000Z',
  timezone: 'Europe/Berlin',
  activationActions: ['created_project', 'invited_teammate'],
  currency: 'USD',
  rates: { EUR: 1.08 },
  enabled: ENABLED,
  relations: OWN_TABLES,
};

const ALERT_FILTER = { env: ENV, status: 'active', tenant: null, severity: null, kind: null, limit: 50, offset: 0 };
const DELIVERY_FILTER = { env: ENV, status: 'failed', alert_id: null, limit: 50, offset: 0 };

const CHANNEL = {
  name: 'On-call Slack',
  type: 'webhook' as const,
  enabled: true,
  settings: '{"type":"webhook","webhook":{"url":"https://hooks.slack.com/services/T000/B000/XXXX","format":"slack"}}',
};

// The export's key cells and two of the catalog's metrics (it writes every public one, each as a plain column).
const EXPORT_HEADER = [
  'bucket_type',
  'bucket_date',
  'tenant_id',
  'environment',
  'computed_at',
  'complete',
  'mrr',
  'dau',
];
const EXPORT_BUILT = { header: 'the key cells, then every public metric (mrr and dau shown)' };
const EXPORT_RANGE = {
  env: ENV,
  bucket: 'daily',
  start: '2026-01-01',
  end: '2026-03-01',
  today: '2026-03-02',
} as const;

const LEASE_HOLDER = '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b';

const SOURCES = { enabled: [...ENABLED].join(', '), relations: "the module's own tables" };

export const SQL_DOCS: SqlDoc[] = [
  {
    file: 'snapshots.sql',
    code: 'libs/metrics/src/repositories/snapshots.repository.ts (snapshotStatements)',
    samples: [
      { name: 'tenants', built: {}, statement: snapshotStatements.tenants(ENV, 'acme', 50) },
      { name: 'tenantExists', built: {}, statement: snapshotStatements.tenantExists(ENV, 'acme') },
      ...(['daily', 'weekly', 'monthly'] as const).map((bucket) => ({
        name: `timeseries (${bucket}, one tenant)`,
        built: { bucket, metrics: 'dau, mrr', breakdowns: 'ai' },
        statement: snapshotStatements.timeseries({
          env: ENV,
          bucket,
          start: '2026-01-01',
          end: '2026-03-01',
          tenant: 'acme',
          today: '2026-03-02',
          metrics: ['dau', 'mrr'],
          breakdowns: ['ai'],
        }),
      })),
      { name: 'cohorts', built: {}, statement: snapshotStatements.cohorts(ENV, null, 6) },
      { name: 'heads (alert evaluation)', built: {}, statement: snapshotStatements.heads(ENV, null) },
      {
        name: 'at (alert evaluation)',
        built: {},
        statement: snapshotStatements.at(ENV, null, ['daily', 'monthly'], ['2026-03-01', '2026-03-01']),
      },
      {
        name: 'at (alert evaluation, one tenant)',
        built: { tenant: 'acme' },
        statement: snapshotStatements.at(ENV, 'acme', ['daily', 'monthly'], ['2026-03-01', '2026-03-01']),
      },
      {
        name: 'reconciliation (GET revenue/reconciliation, the alert evaluation)',
        built: {},
        statement: snapshotStatements.reconciliation(ENV, '2026-01-01', '2026-03-01', null),
      },
      {
        name: 'reconciliation (one tenant)',
        built: { tenant: 'acme' },
        statement: snapshotStatements.reconciliation(ENV, '2026-01-01', '2026-03-01', 'acme'),
      },
      {
        name: 'latestGlobalDaily (the Prometheus headline gauges)',
        built: { metrics: 'every public metric (mrr and dau shown)' },
        statement: snapshotStatements.latestGlobalDaily(ENV, ['mrr', 'dau']),
      },
      { name: 'version', built: {}, statement: snapshotStatements.version(ENV) },
      { name: 'bumpVersion', built: {}, statement: snapshotStatements.bumpVersion(ENV) },
    ],
  },
  {
    file: 'tenant-ranking.sql',
    code: 'libs/metrics/src/repositories/tenant-ranking.repository.ts (tenantRankingStatements), GET tenants/ranking',
    samples: [
      ...(['mrr', 'growth'] as const).map((sort) => ({
        name: `ranking (sort=${sort})`,
        built: { sort, order: 'desc' },
        statement: tenantRankingStatements.ranking({
          environment: ENV,
          start: '2026-01-01',
          end: '2026-03-01',
          scope: null,
          sort,
          order: 'desc',
          limit: 20,
          offset: 0,
        }),
      })),
      ...(['daily', 'weekly', 'monthly'] as const).map((bucket) => ({
        name: `sparkline (${bucket})`,
        built: { bucket },
        statement: tenantRankingStatements.sparkline({
          environment: ENV,
          bucket,
          tenants: ['acme', 'globex'],
          start: '2026-01-01',
          end: '2026-03-01',
        }),
      })),
    ],
  },
  {
    file: 'summary.sql',
    code: 'libs/metrics/src/repositories/snapshot-summary.repository.ts (summaryStatements), GET summary',
    samples: [
      { name: 'activityStateHolds', built: {}, statement: summaryStatements.activityStateHolds(SUMMARY) },
      { name: 'keyActionDaysHold', built: {}, statement: summaryStatements.keyActionDaysHold(SUMMARY) },
      { name: 'billingMovementsHold', built: {}, statement: summaryStatements.billingMovementsHold(SUMMARY) },
      { name: 'aiUsageDaysHold', built: {}, statement: summaryStatements.aiUsageDaysHold(SUMMARY) },
      {
        name: 'range (global view, AI usage per model from the AI usage days, which hold the range)',
        built: SOURCES,
        statement: summaryStatements.range(SUMMARY, undefined, 'global-range', 'stored', 'days'),
      },
      {
        name: 'range (one tenant, AI usage per model from the AI usage days, which hold the range)',
        built: SOURCES,
        statement: summaryStatements.range({ ...SUMMARY, tenant: 'acme' }, undefined, 'state', 'stored', 'days'),
      },
      {
        name: 'range (global view, users per key action from the key-action days’ global counts and NRR’s movements from the stored movements, which both hold the range)',
        built: SOURCES,
        statement: summaryStatements.range(SUMMARY, undefined, 'global-range', 'stored'),
      },
      {
        name: 'range (global view, users per key action from the events)',
        built: SOURCES,
        statement: summaryStatements.range(SUMMARY),
      },
      {
        name: 'range (global view, were a metric to read the range’s active users: from the per-user activity state)',
        built: SOURCES,
        statement: summaryStatements.range(SUMMARY, 'state'),
      },
      {
        name: 'range (one tenant)',
        built: SOURCES,
        statement: summaryStatements.range({ ...SUMMARY, tenant: 'acme' }),
      },
      {
        name: 'range (one tenant, users per key action from its key-action days and NRR’s movements from the stored movements, which hold the range)',
        built: SOURCES,
        statement: summaryStatements.range({ ...SUMMARY, tenant: 'acme' }, undefined, 'state', 'stored'),
      },
      { name: 'daysAndMonthlyRates', built: {}, statement: summaryStatements.daysAndMonthlyRates(SUMMARY) },
      { name: 'latest', built: {}, statement: summaryStatements.latest(SUMMARY) },
    ],
  },
  {
    file: 'runs.sql',
    code: 'libs/metrics/src/repositories/runs.repository.ts (runStatements)',
    samples: [
      {
        name: 'insertQueued',
        built: {},
        statement: runStatements.insertQueued({
          trigger: 'backfill',
          requestedBy: 'admin@example.com',
          start: '2026-01-01',
          end: '2026-03-01',
          tenant: null,
          total: 60,
        }),
      },
      { name: 'activeRun', built: {}, statement: runStatements.activeRun('2026-01-01', '2026-03-01', null) },
      { name: 'heartbeat', built: {}, statement: runStatements.heartbeat('0b7c4c1e-5d1a-4f57-9a57-1f0c6f1f2a10', 12) },
      { name: 'failInterrupted', built: {}, statement: runStatements.failInterrupted('60 seconds') },
    ],
  },
  {
    file: 'compute-daily-work.sql',
    code: 'libs/metrics/src/repositories/compute-statements.ts (computeStatements), built from libs/metrics/src/sql/',
    samples: [
      { name: 'lock', built: {}, statement: computeStatements.lock(ENV) },
      { name: 'workRange', built: {}, statement: computeStatements.workRange(COMPUTE_PARAMS) },
      {
        name: 'staleStatistics',
        built: {},
        statement: computeStatements.staleStatistics(['metrics_activity_event', 'metrics_revenue_ledger']),
      },
      { name: 'userDays', built: SOURCES, statement: computeStatements.userDays(OWN_TABLES, COMPUTE_PARAMS) },
      {
        name: 'activeDaysOfRun',
        built: SOURCES,
        statement: computeStatements.activeDaysOfRun(OWN_TABLES, { ...COMPUTE_PARAMS, w0: '2024-01-01' }),
      },
      {
        name: 'userYearsOfRun',
        built: { activeDays: RUN_ACTIVE_DAYS_TABLE },
        statement: computeStatements.userYearsOfRun(),
      },
      {
        name: 'firstKeyActionsOfRun',
        built: SOURCES,
        statement: computeStatements.firstKeyActionsOfRun(OWN_TABLES, COMPUTE_PARAMS),
      },
      { name: 'activityCoverage', built: {}, statement: computeStatements.activityCoverage() },
      {
        name: 'dirtyDayBetween',
        built: {},
        statement: computeStatements.dirtyDayBetween({ from: '2026-01-31', to: '2026-02-28' }),
      },
      {
        name: 'userDaysFromState',
        built: SOURCES,
        statement: computeStatements.userDaysFromState(OWN_TABLES, { ...COMPUTE_PARAMS, d0: '2026-03-01' }),
      },
      {
        name: 'userDaysForWindowChanges',
        built: SOURCES,
        statement: computeStatements.userDaysForWindowChanges(OWN_TABLES, {
          ...COMPUTE_PARAMS,
          w0: '2026-03-01',
          d0: '2026-03-01',
        }),
      },
      {
        name: 'foldedUserYears',
        built: { userDays: USER_DAYS_TABLE },
        statement: computeStatements.foldedUserYears({ ...COMPUTE_PARAMS, f0: '2026-03-01', f1: '2026-03-31' }),
      },
      {
        name: 'foldUserYears (a chunk)',
        built: { userYears: FOLDED_USER_YEARS_TABLE },
        statement: computeStatements.foldUserYears(FOLDED_USER_YEARS_TABLE, {
          ...COMPUTE_PARAMS,
          f0: '2026-03-01',
          f1: '2026-03-31',
        }),
      },
      {
        name: 'foldUserYears (a run)',
        built: { userYears: USER_YEARS_TABLE },
        statement: computeStatements.foldUserYears(USER_YEARS_TABLE, {
          ...COMPUTE_PARAMS,
          f0: '2025-12-03',
          f1: '2026-03-31',
        }),
      },
      {
        name: 'fillEmptyActivityState',
        built: { activeDays: RUN_ACTIVE_DAYS_TABLE },
        statement: computeStatements.fillEmptyActivityState(),
      },
      {
        name: 'userDayCounts',
        built: { userDays: USER_DAYS_TABLE },
        statement: computeStatements.userDayCounts(USER_DAYS_TABLE),
      },
      {
        name: 'activeDayCounts',
        built: { activeDays: RUN_ACTIVE_DAYS_TABLE },
        statement: computeStatements.userDayCounts(RUN_ACTIVE_DAYS_TABLE),
      },
      {
        name: 'extendActivityCoverage',
        built: {},
        statement: computeStatements.extendActivityCoverage({
          tz: 'Europe/Berlin',
          as_of: '2026-03-02T08:00:00.000Z',
          source: 'metrics_activity_event AS activity_source',
          f0: '2026-03-01',
          f1: '2026-03-01',
        }),
      },
      {
        name: 'dailyWork',
        built: { ...SOURCES, userDayCounts: USER_DAY_COUNTS_TABLE },
        statement: computeStatements.dailyWork(OWN_TABLES, ENABLED, COMPUTE_PARAMS, {
          userDayCounts: USER_DAY_COUNTS_TABLE,
        }),
      },
      {
        name: 'lifecycleStateUsable',
        built: {},
        statement: computeStatements.lifecycleStateUsable({
          ...COMPUTE_PARAMS,
          source: 'metrics_lifecycle_event AS lifecycle_source',
        }),
      },
      {
        name: 'dailyWork (lifecycle from the per-user lifecycle state as of :lifecycle_at and the events after)',
        built: { ...SOURCES, userDayCounts: USER_DAY_COUNTS_TABLE, lifecycle: 'state' },
        statement: computeStatements.dailyWork(
          OWN_TABLES,
          ENABLED,
          { ...COMPUTE_PARAMS, lifecycle_at: '2026-01-01T00:00:00.000Z' },
          { userDayCounts: USER_DAY_COUNTS_TABLE, lifecycle: 'state' },
        ),
      },
      {
        name: 'dailyWork (a one-day run: its billing stocks, users, signups to date, WAU and MAU on the eve from the stored day, its first key actions among the candidates of the key-action days)',
        built: {
          ...SOURCES,
          userDayCounts: USER_DAY_COUNTS_TABLE,
          lifecycle: 'state',
          storedEve: 'billing, windows, lifecycle',
          firstKeyActions: 'probe candidates',
        },
        statement: computeStatements.dailyWork(
          OWN_TABLES,
          ENABLED,
          { ...COMPUTE_PARAMS, lifecycle_at: '2026-01-01T00:00:00.000Z', key_actions_held_from: '2023-12-01' },
          {
            userDayCounts: USER_DAY_COUNTS_TABLE,
            lifecycle: 'state',
            storedEve: ['billing', 'windows', 'lifecycle'],
            firstKeyActions: 'probe candidates',
          },
        ),
      },
      {
        name: 'lifecycleFoldTarget',
        built: {},
        statement: computeStatements.lifecycleFoldTarget({
          ...COMPUTE_PARAMS,
          lifecycle_at: '2026-01-01T00:00:00.000Z',
        }),
      },
      {
        name: 'foldLifecycle',
        built: SOURCES,
        statement: computeStatements.foldLifecycle(OWN_TABLES, {
          lifecycle_at: '2026-01-01T00:00:00.000Z',
          fold_to: '2026-02-01T00:00:00.000Z',
        }),
      },
      {
        name: 'setLifecycleCoverage',
        built: {},
        statement: computeStatements.setLifecycleCoverage({
          source: 'metrics_lifecycle_event AS lifecycle_source',
          fold_to: '2026-02-01T00:00:00.000Z',
        }),
      },
    ],
  },
  ...(['daily', 'weekly', 'monthly'] as const).map((bucket) => ({
    file: `compute-rollup-${bucket}.sql`,
    code: 'libs/metrics/src/repositories/compute-statements.ts (computeStatements.bucketUpsert): rollup, bucket facts and upsert',
    samples: [
      {
        name: `bucketUpsert (${bucket}, users per key action from the key-action days)`,
        built: { ...SOURCES, bucket, userDayCounts: USER_DAY_COUNTS_TABLE },
        statement: computeStatements.bucketUpsert(
          OWN_TABLES,
          ENABLED,
          bucket,
          USER_DAY_COUNTS_TABLE,
          COMPUTE_PARAMS,
          'state',
        ),
      },
    ],
  })),
  {
    file: 'billing-movements.sql',
    code: 'libs/metrics/src/repositories/billing-movements.repository.ts (billingMovementStatements), built from libs/metrics/src/sql/billing-movements.sql.ts',
    samples: [
      { name: 'lock', built: {}, statement: billingMovementStatements.lock() },
      { name: 'coverage', built: {}, statement: billingMovementStatements.coverage(MOVEMENT_TERMS) },
      { name: 'holds', built: {}, statement: billingMovementStatements.holds(MOVEMENT_TERMS) },
      ...billingMovementStatements.rebuildAll(MOVEMENT_TERMS).map((statement, index) => ({
        name: `rebuildAll (${['emptied', 'coverage removed', 'every customer', 'coverage'][index]})`,
        built: {},
        statement,
      })),
      ...billingMovementStatements.rebuildStale(MOVEMENT_TERMS).map((statement, index) => ({
        name: `rebuildStale (${['removed', 'the stale customers', 'none stale', 'coverage'][index]})`,
        built: {},
        statement,
      })),
    ],
  },
  {
    file: 'key-action-days.sql',
    code: 'libs/metrics/src/repositories/key-action-days.repository.ts (keyActionDaysStatements), built from libs/metrics/src/sql/key-action-days.sql.ts',
    samples: [
      ...((fold) => [
        { name: 'fold (clear)', built: {}, statement: fold.clear },
        {
          name: 'empty (a first fold: the indexes built after the set)',
          built: {},
          statement: keyActionDaysStatements.empty(),
        },
        { name: 'fold (set)', built: {}, statement: fold.set },
        ...fold.refresh.map((statement, index) => ({
          name: `fold (${['global counts cleared', 'global counts set'][index]})`,
          built: {},
          statement,
        })),
      ])(keyActionDaysStatements.fold(OWN_TABLES, { ...COMPUTE_PARAMS, f0: '2026-03-01', f1: '2026-04-05' })),
      { name: 'relink', built: {}, statement: keyActionDaysStatements.relink({ tenant: null, f1: '2026-04-05' }) },
      ...keyActionDaysStatements.refreshRelinked(['2026-04-09', '2026-04-20']).map((statement, index) => ({
        name: `refreshRelinked (${['cleared', 'set'][index]})`,
        built: {},
        statement,
      })),
      { name: 'coverage', built: {}, statement: keyActionDaysStatements.coverage() },
      {
        name: 'extendCoverage',
        built: {},
        statement: keyActionDaysStatements.extendCoverage({
          tz: 'UTC',
          as_of: '2026-04-06T06:00:00Z',
          source: 'system_activation_event',
          f0: '2026-03-01',
          f1: '2026-03-31',
        }),
      },
    ],
  },
  {
    file: 'ai-usage-days.sql',
    code: 'libs/metrics/src/repositories/ai-usage-days.repository.ts (aiUsageDaysStatements), built from libs/metrics/src/sql/ai-usage-days.sql.ts',
    samples: [
      ...((fold) => [
        { name: 'fold (clear)', built: {}, statement: fold.clear },
        { name: 'fold (set)', built: {}, statement: fold.set },
      ])(aiUsageDaysStatements.fold(OWN_TABLES, { ...COMPUTE_PARAMS, f0: '2026-03-01', f1: '2026-03-31' })),
      { name: 'coverage', built: {}, statement: aiUsageDaysStatements.coverage() },
      {
        name: 'extendCoverage',
        built: {},
        statement: aiUsageDaysStatements.extendCoverage({
          tz: 'UTC',
          as_of: '2026-04-06T06:00:00Z',
          source: 'metrics_ai_usage_event',
          f0: '2026-03-01',
          f1: '2026-03-31',
        }),
      },
    ],
  },
  {
    file: 'compute-stored-work.sql',
    code: 'libs/metrics/src/repositories/stored-daily-work.repository.ts (storedWorkStatements), built from libs/metrics/src/sql/daily-work-store.sql.ts',
    samples: [
      ...(
        [
          ['storedWorkUsable', storedWorkStatements.storedWorkUsable(STORED_WORK_PARAMS)],
          ['storedScopesMatch', storedWorkStatements.storedScopesMatch(STORED_WORK_PARAMS)],
          ['restoreWork', storedWorkStatements.restoreWork(STORED_WORK_PARAMS)],
        ] as const
      ).map(([name, statement]) => ({ name, built: {}, statement })),
      ...storedWorkStatements.storeWork(STORED_WORK_PARAMS).map((statement, index) => ({
        name: `storeWork (${['clear', 'store', 'prune'][index]})`,
        built: {},
        statement,
      })),
    ],
  },
  {
    file: 'compute-activation-refresh.sql',
    code: 'libs/metrics/src/repositories/snapshot-writes.repository.ts (countActivation, refreshActivationInWork, refreshActivation), built from libs/metrics/src/sql/activation-refresh.sql.ts',
    samples: (
      [
        ['count', activationRefreshSql.count(OWN_TABLES)],
        ['work', activationRefreshSql.work],
        ['daily (counts)', activationRefreshSql.daily[0]],
        ['daily (rates)', activationRefreshSql.daily[1]],
        ['bucket weekly (counts)', activationRefreshSql.bucket('weekly')[0]],
        ['bucket weekly (rates)', activationRefreshSql.bucket('weekly')[1]],
        ['bucket monthly (counts)', activationRefreshSql.bucket('monthly')[0]],
        ['stored', activationRefreshSql.stored],
      ] as const
    ).map(([name, sql]) => ({
      name,
      built: SOURCES,
      statement: { sql, params: { ...COMPUTE_PARAMS, r0: '2026-02-22', r1: '2026-02-28' } },
    })),
  },
  {
    file: 'compute-cohorts.sql',
    code: 'libs/metrics/src/repositories/compute-statements.ts (computeStatements.cohortsUpsert)',
    samples: [
      {
        name: 'cohortsUpsert',
        built: SOURCES,
        statement: computeStatements.cohortsUpsert(OWN_TABLES, {
          ...COMPUTE_PARAMS,
          c0: '2025-06-01',
          c1: '2026-03-01',
          ...NIGHTLY_COHORT_DAYS,
        }),
      },
      {
        name: 'cohortStateHolds',
        built: {},
        statement: computeStatements.cohortStateHolds({
          ...COMPUTE_PARAMS,
          source: 'metrics_activity_event AS activity_source',
          c0: '2025-06-01',
          c1: '2026-03-01',
        }),
      },
      {
        name: "cohortsUpsert (members' weeks from the per-user activity state)",
        built: SOURCES,
        statement: computeStatements.cohortsUpsert(
          OWN_TABLES,
          { ...COMPUTE_PARAMS, c0: '2025-06-01', c1: '2026-03-01', ...NIGHTLY_COHORT_DAYS },
          'state',
        ),
      },
      {
        name: 'cohortsUpsert (members from the per-user lifecycle state as of :lifecycle_at and the signups after, weeks from the activity state, probed member by member: a nightly run)',
        built: SOURCES,
        statement: computeStatements.cohortsUpsert(
          OWN_TABLES,
          {
            ...COMPUTE_PARAMS,
            c0: '2025-06-01',
            c1: '2026-03-01',
            ...NIGHTLY_COHORT_DAYS,
            lifecycle_at: '2026-01-01T00:00:00.000Z',
          },
          'state',
          'state',
          'probe',
        ),
      },
      {
        name: 'cohortMembersFromState',
        built: {},
        statement: computeStatements.cohortMembersFromState({
          ...COMPUTE_PARAMS,
          source: 'metrics_lifecycle_event AS lifecycle_source',
        }),
      },
    ],
  },
  {
    file: 'revenue-compare.sql',
    code: 'libs/metrics/src/repositories/revenue-compare.repository.ts (revenueCompareStatements), GET revenue conventions comparison',
    samples: [
      {
        name: 'work',
        built: { enabled: 'billing', relations: "the module's own tables" },
        statement: revenueCompareStatements.work(OWN_TABLES, { ...COMPUTE_PARAMS, w0: '2026-01-01', w1: '2026-03-01' }),
      },
      {
        name: 'range',
        built: { enabled: 'billing', relations: "the module's own tables" },
        statement: revenueCompareStatements.range(OWN_TABLES, {
          ...COMPUTE_PARAMS,
          range_start: '2026-01-01',
          range_end: '2026-03-01',
        }),
      },
      {
        name: 'monthlyRates',
        built: {
          enabled: 'billing',
          relations: "the module's own tables",
          work: 'the whole months 2026-01-01 to 2026-03-31',
        },
        statement: revenueCompareStatements.monthlyRates(OWN_TABLES, {
          ...COMPUTE_PARAMS,
          w0: '2026-01-01',
          w1: '2026-03-31',
          range_start: '2026-01-15',
          range_end: '2026-03-01',
        }),
      },
    ],
  },
  {
    file: 'audit.sql',
    code: 'libs/metrics/src/repositories/audit.repository.ts (auditStatements)',
    samples: [
      {
        name: 'insert',
        built: {},
        statement: auditStatements.insert({
          actor: 'admin@example.com',
          actor_kind: 'session',
          ip: '203.0.113.7',
          method: 'GET',
          route: '/metrics/summary',
          action: 'read',
          params: '{"start":"2026-01-01","end":"2026-03-01"}',
          changes: null,
          outcome: 200,
        }),
      },
      {
        name: 'recentRead',
        built: {},
        statement: auditStatements.recentRead('admin@example.com', '/metrics/summary', '{"start":"2026-01-01"}'),
      },
      { name: 'verifyChain', built: {}, statement: auditStatements.verifyChain() },
    ],
  },
  {
    file: 'audit-partitions.sql',
    code: 'libs/metrics/src/repositories/audit-partition.repository.ts (auditPartitionStatements)',
    samples: [
      { name: 'lock', built: {}, statement: auditPartitionStatements.lock() },
      { name: 'partitions', built: {}, statement: auditPartitionStatements.partitions() },
      { name: 'defaultMonths', built: {}, statement: auditPartitionStatements.defaultMonths() },
      { name: 'create', built: { month: '2026-03' }, statement: auditPartitionStatements.create('2026-03') },
      ...auditPartitionStatements.moveFromDefault('2026-03').map((statement, step) => ({
        name: `moveFromDefault (step ${step + 1})`,
        built: { month: '2026-03' },
        statement,
      })),
      { name: 'detachedTable', built: {}, statement: auditPartitionStatements.detachedTable('2026-03') },
      { name: 'lockWrites', built: {}, statement: auditPartitionStatements.lockWrites() },
      {
        name: 'notAPrefix',
        built: {},
        statement: auditPartitionStatements.notAPrefix(['metrics_audit_log_2025_01', 'metrics_audit_log_2025_02']),
      },
      {
        name: 'monthSummary',
        built: { month: '2025-01' },
        statement: auditPartitionStatements.monthSummary('2025-01'),
      },
      {
        name: 'recordArchive',
        built: {},
        statement: auditPartitionStatements.recordArchive(
          '2025-01',
          { records: 8850, first_id: '1', last_id: '8850', last_hash: 'ab'.repeat(32) },
          'cli:ops',
        ),
      },
      { name: 'detach', built: { month: '2025-01' }, statement: auditPartitionStatements.detach('2025-01') },
    ],
  },
  {
    file: 'ledger.sql',
    code: 'libs/metrics/src/repositories/ledger.repository.ts (ledgerStatements)',
    samples: [
      { name: 'hasRevenue', built: {}, statement: ledgerStatements.hasRevenue() },
      {
        name: 'unconvertedCurrencies',
        built: {},
        statement: ledgerStatements.unconvertedCurrencies('USD', { EUR: 1.08 }),
      },
      { name: 'span', built: {}, statement: ledgerStatements.span('Europe/Berlin') },
      ...(['daily', 'weekly', 'monthly'] as const).map((bucket) => ({
        name: `planBreakdown (${bucket})`,
        built: { bucket },
        statement: ledgerStatements.planBreakdown({
          bucket,
          start: '2026-01-01',
          end: '2026-03-01',
          tz: 'Europe/Berlin',
          tenant: null,
          currency: 'USD',
          rates: '{"EUR":1.08}',
        }),
      })),
      {
        name: 'movementCustomers (GET revenue/movements)',
        built: {},
        statement: ledgerStatements.movementCustomers({
          tz: 'Europe/Berlin',
          w0: '2026-01-01',
          w1: '2026-03-01',
          tenant: null,
          currency: 'USD',
          rates: '{"EUR":1.08}',
          movement: 'expansion',
          limit: 100,
          offset: 0,
        }),
      },
    ],
  },
  {
    file: 'revenue-customers.sql',
    code: 'libs/metrics/src/repositories/revenue-customers.repository.ts (revenueCustomerStatements), GET revenue/customers and revenue/customers/:id',
    samples: [
      {
        name: 'customers (sort=mrr)',
        built: { sort: 'mrr' },
        statement: revenueCustomerStatements.customers({
          tenant: null,
          id: null,
          sort: 'mrr',
          limit: 100,
          offset: 0,
          currency: 'USD',
          rates: '{"EUR":1.08}',
        }),
      },
      {
        name: 'movements',
        built: {},
        statement: revenueCustomerStatements.movements({
          id: 'cus_123',
          tz: 'Europe/Berlin',
          currency: 'USD',
          rates: '{"EUR":1.08}',
        }),
      },
    ],
  },
  {
    file: 'alerts.sql',
    code: 'libs/metrics/src/repositories/alerts.repository.ts (alertStatements)',
    samples: [
      { name: 'page', built: {}, statement: alertStatements.page(ALERT_FILTER) },
      { name: 'count', built: {}, statement: alertStatements.count(ALERT_FILTER) },
      { name: 'lockOne', built: {}, statement: alertStatements.lockOne('42', ENV) },
      { name: 'lock', built: {}, statement: alertStatements.lock(ENV) },
      { name: 'active', built: {}, statement: alertStatements.active(ENV, null) },
      {
        name: 'upsert',
        built: {},
        statement: alertStatements.upsert(
          ENV,
          '[{"kind":"threshold","rule_key":"config:churn","metric":"customer_churn_rate","bucket_type":"monthly","bucket_date":"2026-02-01","tenant":null,"value":7.5,"threshold":5,"severity":"warning","message":"Customer churn 7.5% is above 5%"}]',
        ),
      },
      { name: 'resolve', built: {}, statement: alertStatements.resolve(['41', '42']) },
      {
        name: 'enqueue',
        built: {},
        statement: alertStatements.enqueue('[{"alert_id":"42","event":"opened","payload":{"event":"opened"}}]'),
      },
      { name: 'acknowledge', built: {}, statement: alertStatements.acknowledge('42', 'admin@example.com') },
      { name: 'deliveries', built: {}, statement: alertStatements.deliveries(DELIVERY_FILTER) },
      { name: 'deliveriesCount', built: {}, statement: alertStatements.deliveriesCount(DELIVERY_FILTER) },
      {
        name: 'activeForSnapshot (GET summary)',
        built: {},
        statement: alertStatements.activeForSnapshot({
          env: ENV,
          bucket_type: 'daily',
          bucket_date: '2026-03-01',
          tenant: null,
        }),
      },
    ],
  },
  {
    file: 'dirty-days.sql',
    code: 'libs/metrics/src/repositories/dirty-days.repository.ts (dirtyDayStatements), the billing and event writers and the schedule',
    samples: [
      {
        name: 'markBillingDays',
        built: {},
        statement: dirtyDayStatements.markBillingDays(new Date('2026-02-10T09:30:00.000Z'), 'Europe/Berlin'),
      },
      {
        name: 'markLateDays (POST events, the API interceptor)',
        built: {},
        statement: dirtyDayStatements.markLateDays(
          [
            { at: '2026-02-10T09:30:00.000Z', back: 0, forward: 29, source: 'activity' },
            { at: '2026-02-11T14:00:00.000Z', back: 7, forward: null, source: 'activation' },
          ],
          'Europe/Berlin',
        ),
      },
      {
        name: 'toCatchUp (the schedule)',
        built: SOURCES,
        statement: dirtyDayStatements.toCatchUp(OWN_TABLES, {
          env: ENV,
          tz: 'Europe/Berlin',
          yesterday: '2026-03-01',
          lookBackDays: 1095,
        }),
      },
      {
        name: 'markLateSourceRows (the schedule, per host relation: activity)',
        built: {},
        statement: dirtyDayStatements.markLateSourceRows(
          HOST_RELATIONS,
          'activity',
          'public.host_logins',
          'Europe/Berlin',
        ),
      },
      {
        name: 'markLateSourceRows (lifecycle: each row reaches as far as its type)',
        built: {},
        statement: dirtyDayStatements.markLateSourceRows(
          HOST_RELATIONS,
          'lifecycle',
          'public.host_signups',
          'Europe/Berlin',
        ),
      },
      {
        name: 'clear (the schedule)',
        built: {},
        statement: dirtyDayStatements.clear('2026-02-10', '2026-03-01', new Date('2026-03-02T01:00:00.000Z')),
      },
    ],
  },
  {
    file: 'conventions.sql',
    code: 'libs/metrics/src/repositories/conventions.repository.ts (conventionStatements), the billing writers',
    samples: [{ name: 'read', built: {}, statement: conventionStatements.read() }],
  },
  {
    file: 'annotations.sql',
    code: 'libs/metrics/src/repositories/annotations.repository.ts (annotationStatements)',
    samples: [
      { name: 'list', built: {}, statement: annotationStatements.list(ENV, '2026-01-01', '2026-03-01', 'acme') },
      {
        name: 'insert',
        built: {},
        statement: annotationStatements.insert({
          env: ENV,
          tenant: null,
          day: '2026-02-10',
          label: 'Pricing change',
          created_by: 'admin@example.com',
        }),
      },
      { name: 'remove', built: {}, statement: annotationStatements.remove(ENV, '42') },
    ],
  },
  {
    file: 'alert-deliveries.sql',
    code: 'libs/metrics/src/repositories/alert-deliveries.repository.ts (alertDeliveryStatements)',
    samples: [
      { name: 'nextWait', built: {}, statement: alertDeliveryStatements.nextWait() },
      { name: 'claim', built: {}, statement: alertDeliveryStatements.claim(20, 35000) },
      { name: 'delivered', built: {}, statement: alertDeliveryStatements.delivered('7', 1) },
      { name: 'release', built: {}, statement: alertDeliveryStatements.release('7') },
      {
        name: 'failedAttempt',
        built: {},
        statement: alertDeliveryStatements.failedAttempt('7', 'pending', 2, 'HTTP 503 from the webhook', 4000),
      },
    ],
  },
  {
    file: 'billing-state.sql',
    code: 'libs/metrics/src/repositories/billing-state.repository.ts (billingStateStatements), BillingStore and manual revenue',
    samples: [
      {
        name: 'saveCustomers',
        built: {},
        statement: billingStateStatements.saveCustomers({
          ids: ['cus_123'],
          tenants: ['acme'],
          names: ['Acme Inc.'],
          emails: ['billing@acme.example'],
          deleted: [false],
          sources: ['stripe'],
          stateAts: [new Date('2026-02-10T09:30:00.000Z')],
        }),
      },
      {
        name: 'ensureCustomers',
        built: {},
        statement: billingStateStatements.ensureCustomers(['cus_123', 'cus_456'], ['acme', null], 'stripe'),
      },
      {
        name: 'saveManualCustomers',
        built: {},
        statement: billingStateStatements.saveManualCustomers(['wire-transfer-co'], ['globex']),
      },
      {
        name: 'addSubscriptionState',
        built: {},
        statement: billingStateStatements.addSubscriptionState({
          subscription_id: 'sub_123',
          valid_from: new Date('2026-02-10T09:30:00.000Z'),
          source_id: 'evt_123',
          rank: 1,
          cause: 'updated',
          customer_id: 'cus_123',
          status: 'active',
          currency: 'USD',
          mrr: '99.0000',
          discounted_mrr: '79.2000',
          discount_end: null,
          items: '{"items":[{"price":"price_pro","monthly":99}],"discounts":[],"periodMonths":1,"tenant":"acme"}',
        }),
      },
      { name: 'subscriptionStates', built: {}, statement: billingStateStatements.subscriptionStates(['sub_123']) },
      {
        name: 'subscriptionIdsAfter',
        built: {},
        statement: billingStateStatements.subscriptionIdsAfter('sub_100', 500),
      },
      {
        name: 'addInvoiceState',
        built: {},
        statement: billingStateStatements.addInvoiceState({
          invoice_id: 'in_123',
          valid_from: new Date('2026-02-10T09:30:00.000Z'),
          source_id: 'evt_456',
          rank: 3,
          customer_id: 'cus_123',
          status: 'paid',
          currency: 'USD',
          amount_remaining: '0.0000',
        }),
      },
      { name: 'currentInvoiceStatuses', built: {}, statement: billingStateStatements.currentInvoiceStatuses() },
    ],
  },
  {
    file: 'ledger-entries.sql',
    code: 'libs/metrics/src/repositories/ledger-entries.repository.ts (ledgerEntryStatements), the ledger rebuild, manual revenue, GET revenue/ledger',
    samples: [
      { name: 'deleteSubscriptions', built: {}, statement: ledgerEntryStatements.deleteSubscriptions(['sub_123']) },
      {
        name: 'insertRows',
        built: {},
        statement: ledgerEntryStatements.insertRows({
          customer_ids: ['cus_123'],
          subscription_ids: ['sub_123'],
          effective_ats: ['2026-02-10T09:30:00.000Z'],
          seqs: [0],
          statuses: ['active'],
          currencies: ['USD'],
          mrrs: ['79.2000'],
          causes: ['updated'],
          source_ids: ['evt_123'],
        }),
      },
      {
        name: 'insertManual',
        built: {},
        statement: ledgerEntryStatements.insertManual(
          { customer: 'wire-transfer-co', day: '2026-02-01', mrr: 500, currency: 'EUR', note: 'Annual contract / 12' },
          'Europe/Berlin',
          'admin@example.com',
        ),
      },
      {
        name: 'insertManualBatch',
        built: {},
        statement: ledgerEntryStatements.insertManualBatch(
          {
            customers: ['wire-transfer-co', 'wire-transfer-co'],
            days: ['2026-01-01', '2026-02-01'],
            mrrs: ['400', '500'],
            currencies: ['EUR', 'EUR'],
            notes: [null, 'upgrade'],
          },
          'Europe/Berlin',
          'admin@example.com',
        ),
      },
      {
        name: 'entries (GET revenue/ledger)',
        built: {},
        statement: ledgerEntryStatements.entries({ customer: null, tenant: 'acme', id: null, limit: 100 }),
      },
    ],
  },
  {
    file: 'stripe-events.sql',
    code: 'libs/metrics/src/repositories/stripe-events.repository.ts (stripeEventStatements), POST stripe/webhook',
    samples: [
      {
        name: 'insert',
        built: {},
        statement: stripeEventStatements.insert({
          id: 'evt_123',
          type: 'customer.subscription.updated',
          created: 1770715800,
          object_id: 'sub_123',
          customer_id: 'cus_123',
          payload: '{"id":"evt_123","type":"customer.subscription.updated"}',
        }),
      },
      { name: 'setOutcome', built: {}, statement: stripeEventStatements.setOutcome('evt_123', 'applied') },
    ],
  },
  {
    file: 'events.sql',
    code: 'libs/metrics/src/repositories/events.repository.ts (eventStatements), POST events and the API interceptor',
    samples: [
      {
        name: 'recordIds',
        built: {},
        statement: eventStatements.recordIds(['evt-1', 'evt-2'], ['login', 'signup']),
      },
      {
        name: 'insertLifecycle',
        built: {},
        statement: eventStatements.insertLifecycle(
          '[{"tenant":"acme","user":"u1","type":"signup","at":"2026-02-10T09:30:00.000Z"}]',
        ),
      },
      {
        name: 'insertActivity',
        built: {},
        statement: eventStatements.insertActivity(
          '[{"tenant":"acme","user":"u1","type":"login","at":"2026-02-10T09:30:00.000Z"}]',
        ),
      },
      {
        name: 'insertActivation',
        built: {},
        statement: eventStatements.insertActivation(
          '[{"tenant":"acme","user":"u1","action":"created_project","at":"2026-02-10T09:30:00.000Z"}]',
        ),
      },
      {
        name: 'insertJobs',
        built: {},
        statement: eventStatements.insertJobs(
          '[{"tenant":"acme","job":"nightly-export","status":"succeeded","started_at":"2026-02-10T09:00:00.000Z","at":"2026-02-10T09:30:00.000Z"}]',
        ),
      },
      {
        name: 'insertAiUsage',
        built: {},
        statement: eventStatements.insertAiUsage(
          '[{"tenant":"acme","user":"u1","model":"gpt-4o","input_tokens":1200,"output_tokens":300,"cost_usd":0.006,"at":"2026-02-10T09:30:00.000Z"}]',
        ),
      },
      {
        name: 'upsertApiRollups',
        built: {},
        statement: eventStatements.upsertApiRollups(
          '[{"tenant_id":"acme","minute":"2026-02-10T09:30:00.000Z","route":"GET /projects","requests":12,"client_errors":1,"server_errors":0,"latency_sum_ms":840,"histogram":[0,3,7,2]}]',
        ),
      },
    ],
  },
  {
    file: 'alert-channels.sql',
    code: 'libs/metrics/src/repositories/alert-channels.repository.ts (alertChannelStatements)',
    samples: [
      { name: 'list', built: {}, statement: alertChannelStatements.list(null) },
      {
        name: 'list (the delivery worker, some channels)',
        built: {},
        statement: alertChannelStatements.list(['0b7c4c1e-5d1a-4f57-9a57-1f0c6f1f2a10']),
      },
      {
        name: 'insert',
        built: {},
        statement: alertChannelStatements.insert(CHANNEL, 'admin@example.com'),
      },
      {
        name: 'replace',
        built: {},
        statement: alertChannelStatements.replace('0b7c4c1e-5d1a-4f57-9a57-1f0c6f1f2a10', CHANNEL),
      },
      { name: 'remove', built: {}, statement: alertChannelStatements.remove('0b7c4c1e-5d1a-4f57-9a57-1f0c6f1f2a10') },
    ],
  },
  {
    file: 'snapshot-anomalies.sql',
    code: 'libs/metrics/src/repositories/snapshot-anomalies.repository.ts (anomalyStatements), the alert evaluation',
    samples: [
      {
        name: 'scores',
        built: { keys: 'dau, api_avg_latency_ms (denominator api_requests_total)' },
        statement: anomalyStatements.scores({
          env: ENV,
          tenant: null,
          d0: '2026-03-01',
          d1: '2026-03-01',
          weeks: 8,
          keys: ['dau', 'api_avg_latency_ms'],
          denominators: [null, 'api_requests_total'],
          min_rel_change: 0.3,
          warning_z: 4,
        }),
      },
    ],
  },
  {
    file: 'snapshot-export.sql',
    code: 'libs/metrics/src/repositories/snapshot-export.repository.ts (snapshotExportStatements), GET export.csv',
    samples: [
      {
        name: 'copyScope (PostgreSQL: the database writes the CSV; parameters are written as quoted literals)',
        built: { ...EXPORT_BUILT, bucket: 'daily', tenant: 'acme' },
        statement: snapshotExportStatements.copyScope(EXPORT_HEADER, { ...EXPORT_RANGE, tenant: 'acme' }),
      },
      {
        name: 'copyEveryScope (all_tenants=true)',
        built: { ...EXPORT_BUILT, bucket: 'weekly' },
        statement: snapshotExportStatements.copyEveryScope(EXPORT_HEADER, { ...EXPORT_RANGE, bucket: 'weekly' }),
      },
      {
        name: 'scopePage (PGlite: read in key pages, written in JavaScript)',
        built: { ...EXPORT_BUILT, bucket: 'daily', tenant: null },
        statement: snapshotExportStatements.scopePage(
          EXPORT_HEADER,
          { ...EXPORT_RANGE, tenant: null },
          '2026-01-31',
          2000,
        ),
      },
      {
        name: 'tenantsPage (all_tenants=true, after the first page)',
        built: { ...EXPORT_BUILT, bucket: 'monthly' },
        statement: snapshotExportStatements.tenantsPage(
          EXPORT_HEADER,
          { ...EXPORT_RANGE, bucket: 'monthly' },
          { tenant: 'acme', date: '2026-02-01' },
          2000,
        ),
      },
    ],
  },
  {
    file: 'schedule.sql',
    code: 'libs/metrics/src/repositories/schedule.repository.ts (scheduleStatements), the schedule and its lease',
    samples: [
      { name: 'claimTick', built: {}, statement: scheduleStatements.claimTick(ENV, 'daily', '2026-03-01') },
      {
        name: 'acquireLease',
        built: {},
        statement: scheduleStatements.acquireLease('exec-metrics:schedule', LEASE_HOLDER, 120000),
      },
      {
        name: 'releaseLease',
        built: {},
        statement: scheduleStatements.releaseLease('exec-metrics:schedule', LEASE_HOLDER),
      },
    ],
  },
  {
    file: 'verify.sql',
    code: 'libs/metrics/src/repositories/verify.repository.ts (verifyStatements), npm run metrics -- verify and GET verify',
    samples: [
      { name: 'sampleDays', built: {}, statement: verifyStatements.sampleDays(ENV, 5) },
      { name: 'dayRows', built: {}, statement: verifyStatements.dayRows(ENV, '2026-03-01') },
      { name: 'unreconciled', built: {}, statement: verifyStatements.unreconciled(ENV, 0.01) },
      { name: 'reconcilable', built: {}, statement: verifyStatements.reconcilable(ENV) },
      { name: 'dirtyDays', built: {}, statement: verifyStatements.dirtyDays() },
      { name: 'stuckRuns', built: {}, statement: verifyStatements.stuckRuns() },
      { name: 'failingDeliveries', built: {}, statement: verifyStatements.failingDeliveries() },
    ],
  },
  {
    file: 'source-check.sql',
    code: 'libs/metrics/src/repositories/source-check.repository.ts (sourceCheckStatements), the check of host relations at start',
    samples: [
      {
        name: 'createView',
        built: { relation: 'public.host_events' },
        statement: sourceCheckStatements.createView('public.host_events'),
      },
      { name: 'viewColumns', built: {}, statement: sourceCheckStatements.viewColumns() },
      {
        name: 'readNothing',
        built: { from: 'the relation as the compute reads it (a name here)' },
        statement: sourceCheckStatements.readNothing('public.host_events'),
      },
    ],
  },
];

/** Only the parameters the text names, in a stable order (the builders pass a shared bag). */
function usedParams(statement: Statement): Record<string, unknown> {
  const used = new Set([...statement.sql.matchAll(/(?<![:\w]):([a-z][a-z0-9_]*)/g)].map((match) => match[1]));
  return Object.fromEntries(
    Object.keys(statement.params)
      .filter((name) => used.has(name))
      .sort()
      .map((name) => [name, statement.params[name]]),
  );
}

export function render(doc: SqlDoc): string {
  const parts = [
    `-- Generated by \`npm run sql:generate\` (scripts/sql-docs.ts): do not edit; \`npm run sql:check\` fails when stale.`,
    `-- Built by ${doc.code}.`,
    '-- Named parameters (:name) are bound as $n when the statement runs.',
  ];
  for (const sample of doc.samples) {
    parts.push('', `-- ${sample.name}`);
    if (Object.keys(sample.built).length > 0) parts.push(`-- built with: ${JSON.stringify(sample.built)}`);
    parts.push(`-- sample parameters: ${JSON.stringify(usedParams(sample.statement))}`);
    const sql = format(sample.statement.sql, {
      language: 'postgresql',
      paramTypes: { named: [':'] },
      keywordCase: 'preserve',
      dataTypeCase: 'preserve',
      functionCase: 'preserve',
      tabWidth: 2,
    });
    parts.push(`${sql};`);
  }
  return `${parts.join('\n')}\n`;
}

function main(): void {
  const check = process.argv.includes('--check');
  const rendered = new Map(SQL_DOCS.map((doc) => [doc.file, render(doc)]));
  if (!check) {
    mkdirSync(OUT_DIR, { recursive: true });
    for (const [file, text] of rendered) writeFileSync(join(OUT_DIR, file), text);
    console.log(`sql:generate: wrote ${rendered.size} files to ${OUT_DIR}/`);
    return;
  }
  const existing = readdirSync(OUT_DIR).filter((file) => file.endsWith('.sql'));
  const problems: string[] = [];
  for (const [file, text] of rendered) {
    if (!existing.includes(file)) problems.push(`${OUT_DIR}/${file} is missing`);
    else if (readFileSync(join(OUT_DIR, file), 'utf8') !== text) problems.push(`${OUT_DIR}/${file} is stale`);
  }
  for (const file of existing.filter((name) => !rendered.has(name))) {
    problems.push(`${OUT_DIR}/${file} is rendered by no statement (remove it)`);
  }
  if (problems.length > 0) {
    console.error(`sql:check: ${problems.join('; ')}. Run npm run sql:generate and commit docs/sql/.`);
    process.exit(1);
  }
  console.log(`sql:check: ${rendered.size} files in ${OUT_DIR}/ are up to date`);
}

main();
