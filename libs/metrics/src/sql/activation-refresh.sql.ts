import { METRIC_CATALOG } from '../catalog/metric-catalog.js';
import { FACTS } from '../catalog/facts/fact-registry.js';
import { quoteIdent } from '../database/named-sql.js';
import type { SourceRelations } from './source-relations.js';
import { BUCKET_DATE, BUCKET_LAST_DAY } from './bucket-dates.js';
import { ratioValueSql } from './rollup.sql.js';
import { DAILY_WORK_TABLE } from './stored-eve.sql.js';
import { DAY_START, LOCAL_DAY, SAME_TENANT, tenantFilterOf } from './sql-fragments.js';
import { keyActionProbesWithinActivationWindow } from './activation-window.js';

/*
 * The activation of the days before a run's first, refreshed by the run (docs/performance.md, "Activation refreshed
 * by each run"). A signup is activated by a key action within 7 days of it, so the key actions of a day change the
 * activated signups of the 7 days before it, and those days' activation rate shows once the 7 days are over. Each
 * run counts the activated signups of the 7 days before its first day (:r0..:r1) again (`count`), before its first
 * chunk rolls its buckets up: that chunk's work table takes them (`work`), so the week and month of its first day
 * sum them. After the run, those days' snapshots take them with their rates (`daily`), and so do the weeks and
 * months that end before the run's first day (`bucket`) and the stored days (`stored`). Until 2026-12-07 a key action
 * marked the 7 computed days before its own instead, and the catch-up computed them whole again. Parameters: :env,
 * :tz, :tenant, :actions, :as_of, :r0, :r1.
 */

/** The table of the refreshed days' activated signups: the global view's, each tenant's, and those of no tenant. */
export const ACTIVATION_REFRESH_TABLE = 'activation_refresh';

/** The ratios that mature some days after their bucket (the activation rate), and the flows they divide. */
const MATURING_RATIOS = METRIC_CATALOG.filter((metric) => metric.ratio?.maturesAfterDays);
const ACTIVATED = [...new Set(MATURING_RATIOS.map((metric) => metric.ratio!.numerator))];

// The refresh counts one fact, the activated signups: a maturing ratio over another flow would need its own count.
for (const key of ACTIVATED) {
  const rule = METRIC_CATALOG.find((candidate) => candidate.key === key)?.daily;
  const fact = rule && 'fact' in rule ? FACTS.find((candidate) => candidate.name === rule.fact) : undefined;
  if (fact?.query !== 'activated_signups') {
    throw new Error(`the activation refresh counts activated signups, not the facts of ${key}`);
  }
}

/**
 * A signup of (tenant, user) before :r0's start: then a signup in the refreshed days is not the user's first. On the
 * module's own table, which has the (tenant_id, user_id, occurred_at) index, `OFFSET 0` keeps it a probe per signup:
 * merged into an anti join, the planner hashed every earlier signup (~200,000 a night at scale 1, ~100 ms of the
 * refresh's ~170). A host relation without that index keeps the anti join.
 */
const earlierSignup = (rel: SourceRelations, sameTenant: string) => `SELECT 1 FROM ${rel.from('lifecycle', 'earlier')}
        WHERE ${sameTenant} AND earlier.user_id = s.user_id AND earlier.type = 'signup'
          AND earlier.occurred_at < ${DAY_START(':r0::date')}${rel.isOwn('lifecycle') ? ' OFFSET 0' : ''}`;

export const activationRefreshSql = {
  /**
   * The users' first signups on the days [:r0, :r1] (their first signup ever: none before), and how many of them a
   * key action activated within 7 days, per day: for the global view, each tenant, and the data of no tenant (which
   * counts in the global view alone, and has stored days of its own). Two probes for an earlier signup (a tenant's,
   * and no tenant's), each through the (tenant_id, user_id, occurred_at) index, and two for a key action in the
   * signup's window (keyActionProbesWithinActivationWindow).
   */
  count: (rel: SourceRelations) => `CREATE TEMP TABLE ${ACTIVATION_REFRESH_TABLE} ON COMMIT DROP AS
    WITH signups AS (
      SELECT s.tenant_id, s.user_id, min(s.occurred_at) AS signup_at
      FROM ${rel.from('lifecycle', 's')}
      WHERE s.type = 'signup' AND s.occurred_at >= ${DAY_START(':r0::date')}
        AND s.occurred_at < ${DAY_START(':r1::date + 1')} AND ${tenantFilterOf('s')}
      GROUP BY s.tenant_id, s.user_id),
    first_signups AS (
      SELECT * FROM signups s
      WHERE NOT EXISTS (${earlierSignup(rel, 'earlier.tenant_id = s.tenant_id')})
        AND NOT EXISTS (${earlierSignup(rel, 's.tenant_id IS NULL AND earlier.tenant_id IS NULL')}))
    SELECT grouping(s.tenant_id) = 1 AS is_global, s.tenant_id, ${LOCAL_DAY('s.signup_at')} AS day,
           count(*) FILTER (WHERE ${keyActionProbesWithinActivationWindow(rel)}) AS activated
    FROM first_signups s
    GROUP BY GROUPING SETS ((s.tenant_id, ${LOCAL_DAY('s.signup_at')}), (${LOCAL_DAY('s.signup_at')}))`,

  /**
   * The first chunk's work table (compute-statements.ts's `metrics_work`: one row per scope and day, the global view's
   * flagged) takes the counts of its days among them, restored from the store or built: its week's and month's
   * rollup then sums them.
   */
  work: `UPDATE metrics_work w SET ${setActivated('v.activated')}
    FROM (${countedScopeDays('metrics_work', 'true')}) AS v
    WHERE ${sameScopeDay('w', 'v')} AND ${activatedChanged(
      (key) => `w.${quoteIdent(key)}`,
      () => 'v.activated',
    )}`,

  /**
   * The days' snapshots take the counts (0 for a scope without signups), the global view's row (no tenant) the
   * global count; then each maturing ratio again from its row, as of :as_of.
   */
  daily: [
    `UPDATE system_metrics_snapshot s
    SET ${setActivated('v.activated')}, computed_at = now()
    FROM (
      SELECT d.id, coalesce(r.activated, 0) AS activated
      FROM system_metrics_snapshot d
      LEFT JOIN ${ACTIVATION_REFRESH_TABLE} r
        ON r.day = d.bucket_date AND r.is_global = (d.tenant_id IS NULL) AND (r.is_global OR r.tenant_id = d.tenant_id)
      WHERE ${inBucketsOfRefreshedDays('daily', 'd')}) AS v
    WHERE s.id = v.id AND ${activatedChanged(
      (key) => `s.${quoteIdent(key)}`,
      () => 'v.activated',
    )}`,
    ratiosOf('daily'),
  ],

  /**
   * The weeks and months that end before the run's first day (the run rolled up its own first day's): their counts
   * the sums of their days' snapshots (as the rollup sums a flow), then their ratios. Only those whose every day is
   * computed: a bucket rolled up while a day of it was not yet (a range computed after a gap) keeps its value until
   * the catch-up computes that day.
   */
  bucket: (bucket: 'weekly' | 'monthly') => {
    const first = BUCKET_DATE[bucket](':r0::date');
    const last = BUCKET_LAST_DAY[bucket](BUCKET_DATE[bucket](':r1::date'));
    const ofDay = BUCKET_DATE[bucket]('d.bucket_date');
    return [
      `WITH days AS (
        SELECT ${ofDay} AS bucket_date, d.tenant_id, count(*) FILTER (WHERE d.tenant_id IS NULL) AS global_days,
               ${ACTIVATED.map((key) => `sum(d.${quoteIdent(key)}) AS ${quoteIdent(key)}`).join(', ')}
        FROM system_metrics_snapshot d
        WHERE d.environment = :env AND d.bucket_type = 'daily' AND d.bucket_date BETWEEN ${first} AND ${last}
        GROUP BY 1, 2),
      computed AS (SELECT bucket_date FROM days WHERE tenant_id IS NULL
                   AND global_days = ${BUCKET_LAST_DAY[bucket]('bucket_date')} - bucket_date + 1)
    UPDATE system_metrics_snapshot b
    SET ${ACTIVATED.map((key) => `${quoteIdent(key)} = coalesce(v.${quoteIdent(key)}, 0)`).join(', ')}, computed_at = now()
    FROM days v JOIN computed c ON c.bucket_date = v.bucket_date
    WHERE ${inBucketsOfRefreshedDays(bucket, 'b')} AND ${BEFORE_RUN(bucket, 'b')}
      AND b.bucket_date = v.bucket_date AND b.tenant_id IS NOT DISTINCT FROM v.tenant_id
      AND ${activatedChanged(
        (key) => `b.${quoteIdent(key)}`,
        (key) => `coalesce(v.${quoteIdent(key)}, 0)`,
      )}`,
      ratiosOf(bucket, BEFORE_RUN(bucket, 's')),
    ];
  },

  /**
   * The stored days (stored-daily-work): a later run that rolls its week or month up from them reads the counts a
   * recompute would give. Every stored scope of the days: one without signups counts 0.
   */
  stored: `UPDATE ${DAILY_WORK_TABLE} w
    SET work = w.work || jsonb_build_object(${ACTIVATED.map((key) => `'${key}', v.activated`).join(', ')})
    FROM (${countedScopeDays(DAILY_WORK_TABLE, 'd.environment = :env')}) AS v
    WHERE w.environment = :env AND ${sameScopeDay('w', 'v')}
      AND ${activatedChanged(
        (key) => `w.work -> '${key}'`,
        () => 'to_jsonb(v.activated)',
      )}`,
};

/**
 * Whether a row's refreshed flows (`stored`: each one's value in the row) differ from their counts (`count`). Each
 * refresh writes only the rows whose value changes: a night's key actions activate a few signups of the 7 days before
 * it, and most of those days' ~700 rows (7 days of every scope) keep their counts and rates.
 */
function activatedChanged(stored: (key: string) => string, count: (key: string) => string): string {
  return `(${ACTIVATED.map((key) => `${stored(key)} IS DISTINCT FROM ${count(key)}`).join(' OR ')})`;
}

/** Each refreshed flow of a row set to the count (every one of them is the activated signups). */
function setActivated(count: string): string {
  return ACTIVATED.map((key) => `${quoteIdent(key)} = ${count}`).join(', ');
}

/**
 * The refreshed days' rows of `rows` (a table of scope-days: `day`, `is_global` and `tenant_id`, no tenant being data
 * of no tenant; alias `d`, filtered by `where`), each with its count, 0 for a scope without signups that day: the
 * work table's or the store's few hundred rows joined to the counts once, where a lookup per row scanned the counts'
 * table for each of them.
 */
function countedScopeDays(rows: string, where: string): string {
  return `SELECT d.day, d.is_global, d.tenant_id, coalesce(r.activated, 0) AS activated
      FROM ${rows} d LEFT JOIN ${ACTIVATION_REFRESH_TABLE} r
        ON r.day = d.day AND r.is_global = d.is_global AND (r.is_global OR ${SAME_TENANT('r', 'd')})
      WHERE d.day BETWEEN :r0::date AND :r1::date AND ${where}`;
}

/** Rows `a` and `b` of the same scope and day (one row each per scope and day in the work table and the store). */
function sameScopeDay(a: string, b: string): string {
  return `${a}.day = ${b}.day AND ${a}.is_global = ${b}.is_global AND ${SAME_TENANT(a, b)}`;
}

/** A bucket that ends before the run's first day (:r1 + 1). */
const BEFORE_RUN = (bucket: 'weekly' | 'monthly', alias: string) =>
  `${BUCKET_LAST_DAY[bucket](`${alias}.bucket_date`)} < :r1::date + 1`;

/** The snapshots of the buckets holding a refreshed day (`alias`: the snapshot's). */
function inBucketsOfRefreshedDays(bucket: 'daily' | 'weekly' | 'monthly', alias: string): string {
  return `${alias}.environment = :env AND ${alias}.bucket_type = '${bucket}'
      AND ${alias}.bucket_date BETWEEN ${BUCKET_DATE[bucket](':r0::date')} AND ${BUCKET_DATE[bucket](':r1::date')}
      AND ${tenantFilterOf(alias)}`;
}

/** The maturing ratios of the refreshed buckets (and `also`), from their rows' components as of :as_of. */
function ratiosOf(bucket: 'daily' | 'weekly' | 'monthly', also = 'true'): string {
  const set = MATURING_RATIOS.map((metric) => `${quoteIdent(metric.key)} = ${ratioValueSql(metric, bucket)}`);
  const changed = MATURING_RATIOS.map(
    (metric) => `${quoteIdent(metric.key)} IS DISTINCT FROM ${ratioValueSql(metric, bucket)}`,
  );
  return `UPDATE system_metrics_snapshot s SET ${set.join(', ')}
    WHERE ${inBucketsOfRefreshedDays(bucket, 's')} AND ${also} AND (${changed.join(' OR ')})`;
}
