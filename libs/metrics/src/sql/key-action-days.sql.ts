import { DAY_START, LOCAL_DAY, TENANT_FILTER, tenantFilterOf } from './sql-fragments.js';
import type { SourceRelations } from './source-relations.js';
import { dayCoverageSql } from './day-coverage.sql.js';
import { STATE_SOURCES } from './dirty-marks.sql.js';
import { BUCKET_DATE, DAYS_INTO_BUCKET } from './bucket-dates.js';

/**
 * The key-action days (docs/performance.md, "Key-action days"): one row per tenant, action, user and local day with
 * that action, beside the same user's previous day with the same action. A bucket's users per key action are then
 * the rows of its days whose previous day lies before the bucket: counted, where the events had to be hashed by
 * (tenant, action, user). Derived data: folded from the activation source by the compute itself.
 */
export const KEY_ACTION_DAYS_TABLE = 'metrics_key_action_day';
export const KEY_ACTION_DAYS_COVERAGE_TABLE = 'metrics_key_action_day_coverage';
/** Every tenant's key-action days of one action and day, as counts by how long since the previous day (below). */
export const KEY_ACTION_GLOBAL_DAYS_TABLE = 'metrics_key_action_global_day';
/** Each tenant's key-action days of one action and day, counted whole and as firsts of their ISO week and month (below). */
export const KEY_ACTION_TENANT_DAYS_TABLE = 'metrics_key_action_tenant_day';
/**
 * How many days back the global counts tell apart: a global range of up to this many days is counted from them
 * alone, a longer one reads the key-action days of its later days.
 */
export const GLOBAL_GAP_DAYS = 366;

/** The days the key-action days hold exactly (day-coverage.sql.ts); a reset empties their counts too. */
export const keyActionCoverageSql = dayCoverageSql(
  KEY_ACTION_DAYS_COVERAGE_TABLE,
  `${KEY_ACTION_DAYS_TABLE}, ${KEY_ACTION_GLOBAL_DAYS_TABLE}, ${KEY_ACTION_TENANT_DAYS_TABLE}`,
  STATE_SOURCES.keyActionDays,
);

/**
 * The latest day before `before` on which the user of `row` did its action (null: none), probed through the unique
 * key's index (user_id COLLATE "C", tenant_id, action COLLATE "C", day), so the user and the action are compared as
 * bytes, as the index compares them (migrations/1765483200000-key-action-day-key-bytes.ts); a null tenant is probed by
 * its own equality, as `=` never matches it.
 */
const previousDayBefore = (row: string, before: string) => {
  const probe = (tenant: string) => `(SELECT max(p.day) FROM ${KEY_ACTION_DAYS_TABLE} AS p
        WHERE p.user_id = ${row}.user_id COLLATE "C" AND ${tenant} AND p.action = ${row}.action COLLATE "C"
          AND p.day < ${before})`;
  return `CASE WHEN ${row}.tenant_id IS NULL THEN ${probe('p.tenant_id IS NULL')}
        ELSE ${probe(`p.tenant_id = ${row}.tenant_id`)} END`;
};

/**
 * Folding the activation source's local days [:f0, :f1] into the key-action days, exactly and for the scope (:tenant):
 * the days' rows are deleted (`clear`) and set again from the source (`set`: an event deleted or moved since the last
 * fold is gone too), each linked to its previous day with the action. A run's folds go forward in time, each probing
 * the days before it, so the rows after the run's last folded day :f1 alone are then linked again (`relink`): those
 * whose previous day lay on or before :f1, the days it could point into or skip. Every action is kept, configured or
 * not, so a change of the configured actions needs no refold.
 */
export const foldKeyActionDaysSql = {
  clear: `DELETE FROM ${KEY_ACTION_DAYS_TABLE} WHERE day BETWEEN :f0::date AND :f1::date AND ${TENANT_FILTER}`,
  set: (
    relations: SourceRelations,
  ) => `INSERT INTO ${KEY_ACTION_DAYS_TABLE} (tenant_id, action, user_id, day, previous_day)
    SELECT tenant_id, action, user_id, day,
      -- Only a key's first day in the fold probes the rows before it (coalesce stops at the first non-null), and only
      -- when a row before the fold exists (one check for the statement): a backfill's first fold into the emptied
      -- table is planned on its empty size, so each probe read the pages the statement had written so far (126 s for
      -- a first year at scale 1, 3.4 s for a first quarter).
      coalesce(previous_day,
        CASE WHEN (SELECT EXISTS (SELECT 1 FROM ${KEY_ACTION_DAYS_TABLE} WHERE day < :f0::date))
          THEN ${previousDayBefore('by_event', ':f0::date')} END)
    -- Each key action beside the day of the key's event before it: the first event of a key's day is the one whose
    -- previous event lies on an earlier day (or none), and that day is the key's previous day. One window over the
    -- events, no distinct before it: partitioned by tenant and user first, the order of the module's (tenant_id,
    -- user_id, occurred_at) index, so over a backfill's years the planner reads that index in order and sorts each
    -- user's actions alone (an incremental sort). A whole scale-1 backfill's 2 million key actions: 7.3 → 4.3 s in
    -- psql, where a distinct and the window shared one sort of every key action as bytes (COLLATE "C"). A night's
    -- day, or a host relation without such an index, is sorted whole.
    FROM (
      SELECT tenant_id, action, user_id, day, lag(day) OVER same_key AS previous_day
      FROM (SELECT tenant_id, user_id, action, ${LOCAL_DAY('occurred_at')} AS day
            FROM ${relations.from('activation')}
            WHERE occurred_at >= ${DAY_START(':f0::date')} AND occurred_at < ${DAY_START(':f1::date + 1')}
              AND ${TENANT_FILTER}) AS key_actions
      WINDOW same_key AS (PARTITION BY tenant_id, user_id, action ORDER BY day)) AS by_event
    WHERE previous_day IS DISTINCT FROM day
    -- Written in day order, so a day's rows share pages: a later fold of one day (the nightly) empties and fills the
    -- pages of that day alone, and the other days' pages stay all-visible after a vacuum, so a month's users per key
    -- action are read from the range index alone. Written in key order, a backfilled year's every page held rows of
    -- every day, and after a night's fold the month's index-only scan read the heap for 85 % of its rows (scale 1).
    ORDER BY day`,
  empty: `SELECT NOT EXISTS (SELECT 1 FROM ${KEY_ACTION_DAYS_TABLE}) AS empty`,
  // A key's first row after :f1 is the one whose previous day is on or before :f1 (or none); the rows after it point
  // at days after :f1, which the fold did not touch. One table, no join: within a run the table has no statistics
  // yet, and a join planned on guesses took 0.36 s at the end of a scale-0.1 backfill, this form 0.1 ms. The probes
  // read days before the row's own, which this statement does not change (it changes one row per key, the first
  // after :f1). It answers the days it changed, whose counts are then counted again.
  relink: `WITH relinked AS (
      UPDATE ${KEY_ACTION_DAYS_TABLE} AS r SET previous_day = ${previousDayBefore('r', 'r.day')}
      WHERE r.day > :f1::date AND (r.previous_day IS NULL OR r.previous_day <= :f1::date)
        AND ${tenantFilterOf('r')}
        AND r.previous_day IS DISTINCT FROM ${previousDayBefore('r', 'r.day')}
      RETURNING r.day)
    SELECT DISTINCT day::text AS day FROM relinked`,
};

/**
 * The global counts (docs/performance.md, "Global key-action counts"): for each action and local day, every tenant's
 * users of that day by how many days before it their previous day with the action lies — `gap_days`, the distinct
 * gaps in ascending order (GLOBAL_GAP_DAYS + 1 standing for more, or no previous day), and `users_at_least`, element i
 * the users whose gap is at least `gap_days[i]`. A global range [a, b]'s users per action are the key-action days of
 * its days whose previous day lies before a: on day d, those whose gap is at least d - a + 1 (`usersAtLeast`). So a
 * global range of up to a year is read from one row per action and day, where its key-action days were one row per
 * user and day (81,211 for a month at scale 1). Counted again from the key-action days of the days a fold or a relink
 * changed (`days`: a predicate on `day`), in the same transaction; a reset empties them with the days.
 */
function refreshGlobalKeyActionDaysSql(days: string): string[] {
  return [
    `DELETE FROM ${KEY_ACTION_GLOBAL_DAYS_TABLE} WHERE ${days}`,
    `INSERT INTO ${KEY_ACTION_GLOBAL_DAYS_TABLE} (action, day, gap_days, users_at_least)
    SELECT action, day, array_agg(gap ORDER BY gap), array_agg(users_at_least ORDER BY gap) FROM (
      -- Summed from the longest gap down: each gap's sum is the users whose gap is at least that long.
      SELECT action, day, gap, sum(users) OVER (PARTITION BY action, day ORDER BY gap DESC)::int AS users_at_least
      FROM (
        SELECT action, day, least(coalesce(day - previous_day, ${GLOBAL_GAP_DAYS + 1}), ${GLOBAL_GAP_DAYS + 1}) AS gap,
               count(*) AS users
        FROM ${KEY_ACTION_DAYS_TABLE} WHERE ${days} GROUP BY 1, 2, 3) AS by_gap) AS at_least
    GROUP BY 1, 2
    -- In day order, as the tenants' counts below, so a range's rows share pages.
    ORDER BY day`,
  ];
}

/**
 * The tenants' counts (docs/performance.md, "Tenant key-action counts"): for each tenant, action and local day, the
 * users of that day with the action (`users`), and of them those whose previous day with it lies before the day's ISO
 * week (`week_first`) and before its month (`month_first`). A user counts once in a bucket, on their first day of the
 * action in it, so a day's, a week's and a month's users per key action are sums of one column over the bucket's
 * days: a nightly run's month read ~30 rows per tenant and action where it counted the month's key-action days
 * (197,355 for November at scale 1, ~90 ms). Counted again from the key-action days of the days a fold or a relink
 * changed (`days`: a predicate on `day`), for every tenant, like the global counts.
 */
function refreshTenantKeyActionDaysSql(days: string): string[] {
  const firstIn = (bucket: 'weekly' | 'monthly') =>
    `count(*) FILTER (WHERE previous_day IS NULL OR previous_day < day - ${DAYS_INTO_BUCKET[bucket]('day')})`;
  return [
    `DELETE FROM ${KEY_ACTION_TENANT_DAYS_TABLE} WHERE ${days}`,
    `INSERT INTO ${KEY_ACTION_TENANT_DAYS_TABLE} (tenant_id, action, day, users, week_first, month_first)
    SELECT tenant_id, action, day, count(*), ${firstIn('weekly')}, ${firstIn('monthly')}
    FROM ${KEY_ACTION_DAYS_TABLE} WHERE ${days} GROUP BY 1, 2, 3
    -- Written in day order, so the days of a week or a month share pages: a bucket reads its days' rows by the key's
    -- first column, day. In the grouping's order a backfill spread every month's rows over the whole table, and at
    -- scale 1 a night's monthly rollup read 2,346 of its 2,401 pages for the month's 12,163 rows (~80 ms).
    ORDER BY day`,
  ];
}

/** Both counts of the key-action days (global, per tenant) of the days `days` (a predicate on `day`), counted again. */
export function refreshKeyActionCountsSql(days: string): string[] {
  return [...refreshGlobalKeyActionDaysSql(days), ...refreshTenantKeyActionDaysSql(days)];
}

/**
 * A global-counts row's users whose gap is at least `days` (1 … GLOBAL_GAP_DAYS + 1): those of the smallest stored gap
 * that long, found by a binary search (`width_bucket` over the ascending gaps); none when no gap is that long.
 */
const usersAtLeast = (days: string) => `coalesce(users_at_least[width_bucket(${days} - 1, gap_days) + 1], 0)`;

/** The counts of the folded days [:f0, :f1], or of the days a relink changed (:days). */
export const REFRESHED_DAYS = {
  folded: 'day BETWEEN :f0::date AND :f1::date',
  relinked: 'day = ANY(:days::date[])',
};

/**
 * Users per configured key action over the whole global range [:w0, :w1], as bucket-fact rows of no tenant (their
 * global sum is the answer): its first `countedDays` days (at most GLOBAL_GAP_DAYS) from the global counts, the rest
 * from the key-action days.
 */
export function keyActionGlobalUsersSql(bucketDate: string, countedDays = GLOBAL_GAP_DAYS): string {
  return `SELECT NULL::varchar AS tenant_id, ${bucketDate} AS bucket_date, 'action:' || action AS fact, sum(users) AS value
      FROM (
        SELECT action, ${usersAtLeast('(day - :w0::date + 1)')} AS users FROM ${KEY_ACTION_GLOBAL_DAYS_TABLE}
        WHERE day BETWEEN :w0::date AND least(:w1::date, :w0::date + ${countedDays - 1})
          AND action = ANY(:actions::text[])
        UNION ALL
        SELECT action, count(*) FROM ${KEY_ACTION_DAYS_TABLE}
        WHERE day BETWEEN :w0::date + ${countedDays} AND :w1::date AND action = ANY(:actions::text[])
          AND (previous_day IS NULL OR previous_day < :w0::date)
        GROUP BY action) AS action_users
      GROUP BY action`;
}

/**
 * Users per configured key action in each bucket of the local days [:w0, :w1], as bucket-fact rows (tenant_id,
 * bucket_date, fact, value): a user counts once per bucket, on their first day of the action in it, the one whose
 * previous day with that action lies before the bucket's first day (`bucket` maps a day to that first day). An
 * index-only scan of the days' rows and a count, where the events needed a hash of every (tenant, action, user).
 */
export function keyActionDaysUsersSql(bucket: (day: string) => string): string {
  return `SELECT tenant_id, ${bucket('day')} AS bucket_date, 'action:' || action AS fact, count(*) AS value
      FROM ${KEY_ACTION_DAYS_TABLE}
      WHERE day BETWEEN :w0::date AND :w1::date AND action = ANY(:actions::text[]) AND ${TENANT_FILTER}
        AND (previous_day IS NULL OR previous_day < ${bucket('day')})
      GROUP BY 1, 2, 3`;
}

/**
 * Users per configured key action in each bucket (a day, an ISO week or a month) of the local days [:w0, :w1], from
 * the tenants' counts, as bucket-fact rows: the bucket's days' sum of the column that counts a user on their first day
 * of the action in such a bucket. The same rows as keyActionDaysUsersSql with that bucket, for a bucket that starts
 * on or after :w0 (a user is counted on the first day they have in it, whose previous day lies before it).
 */
export function keyActionTenantDaysUsersSql(bucket: 'daily' | 'weekly' | 'monthly'): string {
  const firsts = { daily: 'users', weekly: 'week_first', monthly: 'month_first' }[bucket];
  return `SELECT tenant_id, ${BUCKET_DATE[bucket]('day')} AS bucket_date, 'action:' || action AS fact, sum(${firsts}) AS value
      FROM ${KEY_ACTION_TENANT_DAYS_TABLE}
      WHERE day BETWEEN :w0::date AND :w1::date AND action = ANY(:actions::text[]) AND ${TENANT_FILTER}
      GROUP BY 1, 2, 3`;
}
