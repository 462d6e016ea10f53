import { METRIC_CATALOG } from '../catalog/metric-catalog.js';
import type { MetricDefinition } from '../catalog/catalog.types.js';
import type { SourceRelations } from './source-relations.js';
import { quoteIdent } from '../database/named-sql.js';
import { FACT_NAMES, FACT_SQL_TYPE, type FactName } from '../catalog/facts/fact-registry.js';
import { histogramSumSql } from '../catalog/facts/latency-histogram.js';
import { EVE, factSubqueries, sourceCtes, type FirstKeyActions, type LifecycleRows } from './source-facts.js';
import { SAME_TENANT } from './sql-fragments.js';
import { STATE_EVE_SQL } from './user-lifecycle.sql.js';
import { storedEveFacts, storedEveQueries, storedEveSql, type StoredEvePart } from './stored-eve.sql.js';

/**
 * Columns of the work table beside its metrics: each day's users whose previous active day lies before the day's ISO
 * week or month (facts of the user-day counts). A week's or month's distinct active users are their sum over its days
 * (bucket-facts.sql.ts); stored and restored with the day's row (daily-work-store.sql.ts), they let a run that builds
 * its own days only sum the stored days' as well, where it counted the bucket's users from the activity state.
 */
export const BUCKET_FIRST_USERS = {
  weekly: 'week_first_users',
  monthly: 'month_first_users',
} as const satisfies Record<'weekly' | 'monthly', FactName>;

/** The running totals of lifecycle transitions the per-user lifecycle state carries into the eve (STATE_EVE_SQL). */
const STATE_EVE_FACTS: readonly string[] = ['signups', 'active_delta'] satisfies readonly FactName[];

/**
 * The per-day values of every stored metric that is not a ratio, for every scope (the global view and each
 * tenant) and every day of the work range [:w0, :w1], in one statement. Ratios, bucket-level distinct counts
 * and breakdowns are added afterwards by the rollup, for days and wider buckets alike.
 *
 * Output columns: is_global, tenant_id, day, one column per metric of `workMetrics()`, then BUCKET_FIRST_USERS.
 */
export function workMetrics(): MetricDefinition[] {
  return METRIC_CATALOG.filter((metric) => metric.kind !== 'ratio' && !('bucketFact' in metric.daily));
}

function metricExpression(metric: MetricDefinition, enabled: ReadonlySet<string>): string {
  const rule = metric.daily;
  const connected = enabled.has(metric.source);
  if ('config' in rule) return `:${rule.config}::numeric`;
  // A billing metric the configuration stands in for while billing is not connected (its configFallback).
  const fallback = metric.configFallback;
  if (fallback && !connected) return `:${fallback}::numeric`;
  // Typed, so the work table's column can still be summed and rolled up.
  if (!connected) return metric.column === 'bigint[]' ? 'NULL::bigint[]' : 'NULL::numeric';
  if ('fact' in rule) {
    return FACT_SQL_TYPE[rule.fact] === 'bigint[]' ? `f.${rule.fact}` : `coalesce(f.${rule.fact}, 0)`;
  }
  if ('cumulative' in rule) return `sum(coalesce(f.${rule.cumulative}, 0)) OVER running`;
  throw new Error(`metric ${metric.key}: no daily expression for ${JSON.stringify(rule)}`);
}

/** How a daily work statement reads the sources besides the raw rows of its work range. */
export interface DailyWorkReads {
  /** The chunk's user-day counts (source-facts.ts, userDayCountsSql); without them the activity source is read. */
  userDayCounts?: string;
  /** `state`: the lifecycle events from :lifecycle_at on and the per-user lifecycle state before it. */
  lifecycle?: LifecycleRows;
  /**
   * The running totals whose eve comes from its stored work row (stored-eve.sql.ts); `windows` needs the user-day
   * counts of the users whose windows change only (userDaysForWindowChanges).
   */
  storedEve?: readonly StoredEvePart[];
  /** Where the chunk finds its first key actions (source-facts.ts, FirstKeyActions); by default it probes its own. */
  firstKeyActions?: FirstKeyActions;
}

export function dailyWorkSql(
  relations: SourceRelations,
  enabled: ReadonlySet<string>,
  { userDayCounts, lifecycle = 'history', storedEve = [], firstKeyActions }: DailyWorkReads = {},
): string {
  const factNames = FACT_NAMES;
  const rows = (facts: readonly string[], sql: string, index: number) =>
    `SELECT tenant_id, day, ${factNames
      .map((name) => (facts.includes(name) ? name : `NULL::${FACT_SQL_TYPE[name]} AS ${name}`))
      .join(', ')}
      FROM (${sql}) AS source_${index}`;
  const subqueries = factSubqueries(relations, lifecycle, storedEveQueries(storedEve), firstKeyActions).map(
    ({ facts, sql }, index) => rows(facts, sql, index),
  );
  // The running totals that start from a kept state rather than the history: their eve rows (unless the stored eve
  // gives them).
  if (lifecycle === 'state' && !storedEve.includes('lifecycle'))
    subqueries.push(rows(STATE_EVE_FACTS, STATE_EVE_SQL, subqueries.length));
  if (storedEve.length > 0)
    subqueries.push(rows(storedEveFacts(storedEve), storedEveSql(storedEve), subqueries.length));
  const aggregates = factNames.map((name) =>
    FACT_SQL_TYPE[name] === 'bigint[]' ? `${histogramSumSql(name)} AS ${name}` : `sum(${name}) AS ${name}`,
  );
  const metrics = workMetrics();
  const direct = metrics.filter((metric) => !('previousDay' in metric.daily));
  const previousDay = metrics.filter((metric) => 'previousDay' in metric.daily);

  const ledger = storedEve.includes('billing') ? 'moving' : 'history';
  return `WITH ${sourceCtes(relations, userDayCounts, ledger, lifecycle, storedEve.includes('lifecycle')).join(',\n')},
    all_facts AS (${subqueries.join('\nUNION ALL\n')}),
    -- Each fact summed per tenant and day, then the global view's from those sums (every aggregate is a sum, so the
    -- sums add up): half the aggregate steps of GROUPING SETS over every fact row, and no second sort of them (a
    -- year's chunk at scale 1: 277,000 rows of ~45 facts, 1.9 s).
    facts_by_tenant AS (
      SELECT tenant_id, day, ${aggregates.join(', ')} FROM all_facts GROUP BY tenant_id, day),
    facts AS (
      SELECT false AS is_global, * FROM facts_by_tenant
      UNION ALL
      SELECT true, NULL::varchar, day, ${aggregates.join(', ')} FROM facts_by_tenant GROUP BY day),
    -- Events of no tenant count in the global view only.
    scoped_facts AS (
      SELECT * FROM facts WHERE (is_global AND :tenant::varchar IS NULL) OR (NOT is_global AND tenant_id IS NOT NULL)),
    scopes AS (
      SELECT DISTINCT is_global, tenant_id FROM scoped_facts
      UNION SELECT true, NULL::varchar WHERE :tenant::varchar IS NULL
      UNION SELECT false, :tenant::varchar WHERE :tenant::varchar IS NOT NULL),
    grid AS (
      SELECT s.is_global, s.tenant_id, d::date AS day
      FROM scopes s CROSS JOIN generate_series(${EVE}, :w1::date, interval '1 day') AS d),
    base AS (
      SELECT g.is_global, g.tenant_id, g.day,
        ${direct.map((metric) => `${metricExpression(metric, enabled)} AS ${quoteIdent(metric.key)}`).join(',\n        ')},
        ${Object.values(BUCKET_FIRST_USERS)
          .map((fact) => `${enabled.has('activity') ? `coalesce(f.${fact}, 0)` : 'NULL::bigint'} AS ${fact}`)
          .join(', ')}
      FROM grid g
      LEFT JOIN scoped_facts f ON f.is_global = g.is_global AND ${SAME_TENANT('f', 'g')} AND f.day = g.day
      WINDOW running AS (PARTITION BY g.is_global, g.tenant_id ORDER BY g.day))
    SELECT * FROM (
      SELECT base.*${previousDay
        .map((metric) => {
          const rule = metric.daily as { previousDay: string };
          return `,
        lag(${quoteIdent(rule.previousDay)}) OVER (PARTITION BY is_global, tenant_id ORDER BY day) AS ${quoteIdent(metric.key)}`;
        })
        .join('')}
      FROM base) AS with_previous
    WHERE day >= :w0::date`;
}
