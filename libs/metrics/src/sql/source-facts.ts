import type { SourceName } from '../metrics.options.js';
import { factsOfQuery, foldsHistory, type FactQueryName } from '../catalog/facts/fact-registry.js';
import type { SourceRelations } from './source-relations.js';
import { BILLING_FACT_QUERIES, billingCtes, type LedgerRows } from './billing-facts.js';
import { EVE, LOCAL_DAY, SAME_TENANT, TENANT_FILTER, WINDOW_START, WORK_END, WORK_START } from './sql-fragments.js';
import { lifecycleCtesFromState, transitionsSql } from './user-lifecycle.sql.js';
import { WINDOW_DAYS } from './stored-eve.sql.js';
import { DAYS_INTO_BUCKET } from './bucket-dates.js';
import { KEY_ACTION_DAYS_TABLE } from './key-action-days.sql.js';
import { keyActionProbesWithinActivationWindow, withinActivationWindow } from './activation-window.js';

/**
 * Where a run's lifecycle rows come from: the whole history, or (`state`) the per-user lifecycle state as of
 * :lifecycle_at and the events from that instant on (user-lifecycle.sql.ts).
 */
export type LifecycleRows = 'history' | 'state';

/**
 * Per-day facts of each source, as SQL over the source relations: every fact query yields
 * (tenant_id, day, <its facts>) with `day` a local date in the reporting timezone. The facts themselves (name,
 * source, type, aggregate) are written once, in the registry (catalog/facts/); a query here says which rows
 * they aggregate and which local day each row belongs to.
 *
 * Facts that feed running totals (stocks) read the whole history: everything before the work range is
 * folded into its eve (:w0 - 1), so the running total starts from the right base in one pass.
 * Parameters: :tz, :tenant, :w0, :w1 (the work range), :actions (configured key actions), and billing's
 * :currency and :rates (see billing-facts.ts).
 */
export { DAY_START, EVE, LOCAL_DAY, TENANT_FILTER, WINDOW_START, WORK_END, WORK_START } from './sql-fragments.js';

/** The scope's activity rows from `from` (an instant) to the end of the work range, every user-days query reads. */
const activityRowsFrom = (rel: SourceRelations, from = WINDOW_START): string =>
  `FROM ${rel.from('activity')} WHERE occurred_at >= ${from} AND occurred_at < ${WORK_END} AND ${TENANT_FILTER}`;

/**
 * Each user's active days (local dates) from 29 days before the work range to its end: what DAU, the rolling
 * windows and the bucket distinct counts read. A computation materialises it once per chunk (with each day's
 * neighbours: withNeighbourDaysSql), folds it into the per-user activity state and counts it per tenant and day
 * (userDayCountsSql), which the daily work and every bucket's facts read: one pass over the activity source and one
 * sort of its user-days. `from` (an instant) starts it later when
 * the days before come from the per-user activity state (user-activity.sql.ts); the state then gives the lookback as
 * each user's last active day in it, all the rolling windows read of it (every other reader starts at :w0).
 */
export function userDaysSql(rel: SourceRelations, from = WINDOW_START): string {
  return `SELECT DISTINCT tenant_id, user_id, ${LOCAL_DAY('occurred_at')} AS day
      ${activityRowsFrom(rel, from)}`;
}

/**
 * The same user-days as userDaysSql, in the form withNeighbourDaysSql reads: user and tenant compared as bytes
 * (`COLLATE "C"`, see there). Their distinct is then a sort in the window's own order, which the window reads as it
 * comes: where the distinct was a hash of the events and the window sorted its output again (at scale 1 a year's
 * chunk hashed 14.2 million events in one process, then sorted 10.4 million user-days, spilling: 30.5 s; one parallel
 * sort: 21.9 s).
 */
export function userDaysInWindowOrderSql(rel: SourceRelations, from = WINDOW_START): string {
  return `SELECT DISTINCT user_id COLLATE "C" AS user_id, tenant_id COLLATE "C" AS tenant_id,
             ${LOCAL_DAY('occurred_at')} AS day
      ${activityRowsFrom(rel, from)}`;
}

/**
 * A whole run's user-days as one row per tenant and user (the table RUN_ACTIVE_DAYS_TABLE holds): every active day of
 * the run from the activity source, in order and once each (`active_days`). The per-user activity state's rows are
 * taken from it year by year (userYearsOfActiveDaysSql), and the counts per tenant and day from its days with their
 * neighbours (activeDayNeighboursSql).
 *
 * Grouped by tenant and user alone, the order of the module's (tenant_id, user_id, occurred_at) index: the planner
 * reads the events from that index in order and the aggregate sorts each user's days by themselves, one small sort of
 * dates per user. Grouped by user, year and day, as until 2026-12-07's nineteenth session, the planner sorted every
 * event again by its year and day within its user (an incremental sort of 20 million rows at scale 1, as it cannot
 * know that a local day follows the instant), which cost more than reading them: 29.0–32.1 s in psql where this and
 * the years after it took 11.0–16.4 and 5.5–7.5 s (performance-history.md, "nineteenth session"). A host relation
 * without such an index is sorted by tenant and user first.
 */
export function activeDaysOfRunSql(rel: SourceRelations): string {
  return `SELECT tenant_id, user_id, array_agg(DISTINCT ${LOCAL_DAY('occurred_at')} ORDER BY ${LOCAL_DAY('occurred_at')}) AS active_days
      ${activityRowsFrom(rel)}
      GROUP BY tenant_id, user_id`;
}

/**
 * The user-days of a table of each user's ordered active days (activeDaysOfRunSql) with their neighbours, the columns
 * withNeighbourDaysSql gives: each active day beside the one before and after it (none: null). The three are unnested
 * side by side from arrays of one length (the days; the days shifted one on, a null first; shifted one back, a null
 * last), set-returning functions of the select list, which PostgreSQL runs in step. Read this way, in a subquery its
 * reader cannot merge (userDayCountsSql's filters read each neighbour once), a scale-1 run's counts took 7.5 and 6.6 s
 * instead of 9.4 and 10.4 (psql, alternated, the same counts; performance-history.md, "fourteenth session"), where a
 * lateral unnest with ordinality read the neighbours by subscript: a function scan materialises each row's days, and
 * every subscript is an array lookup.
 */
export function activeDayNeighboursSql(activeDays: string): string {
  return `SELECT tenant_id, user_id, unnest(active_days) AS day,
             unnest(NULL::date || active_days[1 : cardinality(active_days) - 1]) AS previous_day,
             unnest(active_days[2 : cardinality(active_days)] || NULL::date) AS next_day
      FROM ${activeDays}`;
}

/**
 * Each user's first key action (tenant_id, user_id, first_at) up to the end of the work range, for a run of several
 * chunks (calendar years): every chunk counts those whose first key action lies in its work range, the same users as
 * its own probes find (a key action in the range, none before it). One pass over the key actions, where each chunk
 * grouped its year's by user and probed the history before it for every one of them (at scale 1 the third year
 * grouped 1.1 million key actions and probed 178,000 users).
 */
export function firstKeyActionsSql(rel: SourceRelations): string {
  return `SELECT tenant_id, user_id, min(occurred_at) AS first_at
      FROM ${rel.from('activation')}
      WHERE action = ANY(:actions::text[]) AND occurred_at < ${WORK_END} AND ${TENANT_FILTER}
      GROUP BY tenant_id, user_id`;
}

/** Any query of user-days (tenant_id, user_id, day) in the form withNeighbourDaysSql reads. */
export const inWindowOrder = (userDays: string): string =>
  `SELECT user_id COLLATE "C" AS user_id, tenant_id COLLATE "C" AS tenant_id, day FROM (${userDays}) AS user_days`;

/**
 * User-days with the same user's previous and next active day among them (`previous_day`, `next_day`; null at
 * either end). The rolling windows read a day's gap to both neighbours, and a week's or month's distinct users are its
 * user-days whose previous day lies before it (userDayCountsSql): one sort of the chunk's user-days for both, where the
 * weekly and monthly counts each hashed every (tenant, bucket, user).
 *
 * `userDays` gives user_id, tenant_id and day, each once, the user and tenant compared as bytes (`COLLATE "C"`:
 * inWindowOrder, userDaysInWindowOrderSql). The sort puts the user before the tenant: the same partitions (equality
 * ignores the collation), but user ids tell rows apart from their first bytes, so the sort settles most comparisons
 * on its abbreviated keys instead of the locale's string comparison (2–4× faster). The output has the database's
 * collation again, as every table it is compared with.
 */
export function withNeighbourDaysSql(userDays: string): string {
  return `SELECT tenant_id COLLATE "default" AS tenant_id, user_id COLLATE "default" AS user_id, day,
             lag(day) OVER by_user AS previous_day, lead(day) OVER by_user AS next_day
      FROM (${userDays}) AS user_days
      WINDOW by_user AS (PARTITION BY user_id, tenant_id ORDER BY day)`;
}

/** The key actions of the work range itself, from the `key_actions` CTE (which reaches 7 days past it). */
export const KEY_ACTIONS_IN_WORK_RANGE = `key_actions WHERE occurred_at < ${WORK_END}`;

/**
 * Helper CTEs shared by several fact subqueries. `lifecycleStocksStored`: the lifecycle stocks' eve comes from the
 * stored day (stored-eve.sql.ts), so only the users with a lifecycle event in the work range are read (see
 * lifecycleCtesFromState).
 */
export function sourceCtes(
  rel: SourceRelations,
  userDayCounts?: string,
  ledger: LedgerRows = 'history',
  lifecycle: LifecycleRows = 'history',
  lifecycleStocksStored = false,
): string[] {
  return [
    ...(lifecycle === 'state'
      ? lifecycleCtesFromState(rel, LOCAL_DAY('occurred_at'), WORK_END, lifecycleStocksStored)
      : [
          `lifecycle_events AS (
      SELECT tenant_id, user_id, type, occurred_at, ${LOCAL_DAY('occurred_at')} AS day
      FROM ${rel.from('lifecycle')} WHERE occurred_at < ${WORK_END} AND ${TENANT_FILTER})`,
          `first_signups AS (
      SELECT tenant_id, user_id, min(occurred_at) AS signup_at
      FROM lifecycle_events WHERE type = 'signup' GROUP BY tenant_id, user_id)`,
        ]),
    ...userDayCountsCtes(rel, userDayCounts),
    // The work range's key actions, and those of the 7 days after it (8 days of 24 hours, whatever a DST change in
    // them): a first key action is told by the absence of an earlier one (see first_key_actions), and a signup's
    // activation looks after the signup, up to 7 days: a signup on the work range's last day is activated by a key
    // action after it (a backfill's chunk ends where the next one begins, and the next chunk never rewrites that day).
    // Every other reader keeps the work range's own (KEY_ACTIONS_IN_WORK_RANGE).
    `key_actions AS (
      SELECT tenant_id, user_id, action, occurred_at
      FROM ${rel.from('activation')}
      WHERE action = ANY(:actions::text[]) AND occurred_at >= ${WORK_START}
        AND occurred_at < ${WORK_END} + interval '8 days' AND ${TENANT_FILTER})`,
    ...billingCtes(ledger),
  ];
}

/** The columns of user_day_counts that hold each rolling window's openings and closings. */
const WINDOW_COUNTS = {
  wau_window: { opens: 'wau_opens', closes: 'wau_closes' },
  mau_window: { opens: 'mau_opens', closes: 'mau_closes' },
} as const;

/**
 * The user-days counted per tenant and local day (`users`), with the counts each reader of a user-day's neighbours
 * needs (withNeighbourDaysSql): the rolling windows' openings and closings (below), and the user-days that are
 * their user's first in their ISO week or month (`week_firsts`, `month_firsts`: the previous active day lies before
 * the bucket, or is unknown), whose sums over a bucket's days are its distinct users. `userDays` has each user-day
 * once, with its neighbours. One pass over the user-days for all of them, where DAU, both windows (twice each) and
 * the week's and month's distinct users each scanned the chunk's table (seven scans of 10 million rows for a year's
 * chunk at scale 1). Each count is a sum over user-days, so any set of them still adds up: the global view is the
 * tenants' sum, a bucket the sum of its days.
 */
export function userDayCountsSql(userDays: string): string {
  const opens = (days: number) => `count(*) FILTER (WHERE coalesce(day - previous_day > ${days}, true))`;
  const closes = (days: number) => `count(*) FILTER (WHERE coalesce(next_day - day > ${days}, true))`;
  // The previous active day lies before the bucket: more days before this one than it lies into its bucket.
  const firstIn = (bucket: 'weekly' | 'monthly') =>
    `count(*) FILTER (WHERE coalesce(day - previous_day > ${DAYS_INTO_BUCKET[bucket]('day')}, true))`;
  const windows = (Object.keys(WINDOW_COUNTS) as (keyof typeof WINDOW_COUNTS)[]).map(
    (window) =>
      `${opens(WINDOW_DAYS[window])} AS ${WINDOW_COUNTS[window].opens}, ` +
      `${closes(WINDOW_DAYS[window])} AS ${WINDOW_COUNTS[window].closes}`,
  );
  return `SELECT tenant_id, day, count(*) AS users, ${windows.join(',\n        ')},
        ${firstIn('weekly')} AS week_firsts, ${firstIn('monthly')} AS month_firsts
      FROM ${userDays} GROUP BY tenant_id, day`;
}

/**
 * `user_day_counts` (userDayCountsSql): the chunk's table of them when the compute built one, or counted here from
 * the work range's user-days and their lookback (`user_days`, which the bucket facts also read), sorted once.
 */
const userDayCountsCtes = (rel: SourceRelations, userDayCounts: string | undefined): string[] =>
  userDayCounts
    ? [`user_day_counts AS (SELECT * FROM ${userDayCounts})`]
    : [
        `user_days AS (${userDaysSql(rel)})`,
        `user_day_counts AS MATERIALIZED (${userDayCountsSql(
          `(${withNeighbourDaysSql(inWindowOrder('SELECT tenant_id, user_id, day FROM user_days'))}) AS neighbours`,
        )})`,
      ];

/**
 * Users active on at least one day of a rolling window of `days` days, as changes per day: a user's active days
 * that lie within `days` of each other form one covered interval [first, last + days − 1], so counting open
 * intervals gives the distinct count in one pass. An interval opens on an active day whose previous active day is
 * more than `days` before (or absent) and closes `days` after an active day whose next one is more than `days` after
 * (or absent): the openings and closings `user_day_counts` has per tenant and day. Those may run past the work
 * range (a run's counts of all its days: ActivityStateRun.foldRun), whose days alone are read.
 */
function rollingWindowChanges(window: keyof typeof WINDOW_DAYS): FactQuery {
  const days = WINDOW_DAYS[window];
  const counts = WINDOW_COUNTS[window];
  return {
    day: 'day',
    from: `(
      SELECT tenant_id, greatest(day, ${EVE}) AS day, ${counts.opens} AS delta FROM user_day_counts
      WHERE ${counts.opens} > 0 AND day <= :w1::date
      UNION ALL
      SELECT tenant_id, greatest(day + ${days}, ${EVE}), -${counts.closes} FROM user_day_counts
      WHERE ${counts.closes} > 0 AND day + ${days} <= :w1::date
    ) AS changes`,
  };
}

/**
 * Where a fact query's rows come from: `from` is the text after FROM (with its WHERE), `day` each row's local day.
 * The rows of a query that folds history (RUNNING_TOTAL_QUERIES) before the work range count on its eve.
 */
export interface FactQuery {
  /** Default tenant_id. */
  tenant?: string;
  day: string;
  from: string;
}

/**
 * Where a chunk finds the users whose first key action lies in its work range: the run's table of each user's first
 * key action (`table`, firstKeyActionsSql); or a probe of the history before the work range for every user with a key
 * action in it (`probe all`), or only for the candidates the key-action days give (`probe candidates`, with
 * :key_actions_held_from: firstKeyActionCandidates).
 */
export type FirstKeyActions = { table: string } | 'probe all' | 'probe candidates';

/**
 * Of the work range's key actions grouped by user (`k`), the users whose first key action may lie in the work range,
 * from the key-action days, when they hold every day from :key_actions_held_from to the work range's last exactly: a
 * user with a key action before the work range on a held day has, on their first day of that action in the work range,
 * a row whose previous day is that earlier one. A user without such a row in every action of theirs in the range is a
 * candidate: their first day of an action there has no previous day, or one before the days held, which may not be a
 * key action (the state before :key_actions_held_from is not known exact). Only the candidates are probed: a night at
 * scale 1 probed the history before its work range for 8,445 users (~80 ms, ~840 ms cold), of which 337 had their
 * first key action there. The candidates are found first (`OFFSET 0`): with the probes beside them in one WHERE, the
 * planner ran the probes on every user before the join with the candidates. The user and the action are compared as
 * bytes, as the key-action days' unique index compares them (key-action-days.sql.ts, previousDayBefore).
 */
const firstKeyActionCandidates = `EXISTS (
            SELECT 1 FROM ${KEY_ACTION_DAYS_TABLE} c
            WHERE c.user_id = k.user_id COLLATE "C" AND ${SAME_TENANT('c', 'k')}
              AND c.action COLLATE "C" = ANY(:actions::text[])
              AND c.day BETWEEN :w0::date AND :w1::date
              AND (c.previous_day IS NULL OR c.previous_day < :key_actions_held_from::date))`;

/** Of `users` (aliased `k`), the candidates alone, as `k` again. */
const candidatesOf = (users: string) => `(SELECT * FROM ${users} WHERE ${firstKeyActionCandidates} OFFSET 0) AS k`;

/** The rows of every fact query of the registry; the Record's type makes a query without rows a compile error. */
function factQueries(
  rel: SourceRelations,
  lifecycle: LifecycleRows,
  firstKeyActions: FirstKeyActions,
): Record<FactQueryName, FactQuery> {
  // A key action of user k.user_id before the work range, the tenant matched as `sameTenant` says: two probes (a
  // tenant's, and no tenant's) rather than one OR, so each can use the (tenant_id, user_id, occurred_at) index.
  // On the module's own table, which has that index, `OFFSET 0` keeps each probe a subplan run per user: without it
  // PostgreSQL turns NOT EXISTS into a hash anti-join that reads the whole key-action history (measured on the
  // nightly run, docs/performance.md). A host relation may lack the index: there the anti-join is the better plan.
  const probeEach = rel.isOwn('activation') ? ' OFFSET 0' : '';
  const usersOfKeyActions = `(SELECT tenant_id, user_id, min(occurred_at) AS first_at FROM ${KEY_ACTIONS_IN_WORK_RANGE} GROUP BY 1, 2) AS k`;
  const earlierKeyAction = (sameTenant: string) => `SELECT 1 FROM ${rel.from('activation', 'earlier')}
            WHERE ${sameTenant} AND earlier.user_id = k.user_id
              AND earlier.action = ANY(:actions::text[]) AND earlier.occurred_at < ${WORK_START}${probeEach}`;
  return {
    ...BILLING_FACT_QUERIES,
    // Seeded from the state, a user's first transition read takes its state before from the state's row.
    lifecycle_transitions: { day: 'day', from: transitionsSql(lifecycle === 'state') },
    lifecycle_trials: {
      day: 'day',
      from: `lifecycle_events WHERE type IN ('trial_started', 'trial_converted') AND day >= :w0::date`,
    },
    active_user_days: { day: 'day', from: `user_day_counts WHERE day BETWEEN :w0::date AND :w1::date` },
    wau_window: rollingWindowChanges('wau_window'),
    mau_window: rollingWindowChanges('mau_window'),
    // A user's first key action lies in the work range when they have one there and none before it: one index
    // probe per user of the range (tenant_id, user_id, occurred_at) instead of grouping the whole history. The
    // range's key actions are grouped by user first, so a user with several is probed once, not once per action.
    // A run of several chunks reads each user's first key action from its table instead (firstKeyActionsSql), and a
    // chunk whose key-action days hold the days before it probes only their candidates (firstKeyActionCandidates).
    first_key_actions: {
      day: LOCAL_DAY('first_at'),
      from:
        typeof firstKeyActions === 'object'
          ? `${firstKeyActions.table} WHERE first_at >= ${WORK_START} AND first_at < ${WORK_END}`
          : `${firstKeyActions === 'probe candidates' ? candidatesOf(usersOfKeyActions) : usersOfKeyActions}
          WHERE NOT EXISTS (${earlierKeyAction('earlier.tenant_id = k.tenant_id')})
            AND NOT EXISTS (${earlierKeyAction('k.tenant_id IS NULL AND earlier.tenant_id IS NULL')})`,
    },
    // On the module's own table, each signup probes its (tenant_id, user_id, occurred_at) index for a key action in
    // its window; a host relation without that index keeps the semi join, which hashed every key action of the work
    // range (1.1 million in a scale-1 backfill's last year: ~0.8 s where the probes took ~0.45, in psql).
    activated_signups: {
      tenant: 's.tenant_id',
      day: LOCAL_DAY('s.signup_at'),
      from: `first_signups s
        WHERE s.signup_at >= ${WORK_START} AND ${
          rel.isOwn('activation')
            ? keyActionProbesWithinActivationWindow(rel)
            : `EXISTS (
          SELECT 1 FROM key_actions k
          WHERE k.user_id = s.user_id AND (k.tenant_id = s.tenant_id OR (k.tenant_id IS NULL AND s.tenant_id IS NULL))
            AND ${withinActivationWindow('k', 's')})`
        }`,
    },
    jobs: {
      day: LOCAL_DAY('finished_at'),
      from: `${rel.from('jobs')} WHERE finished_at >= ${WORK_START} AND finished_at < ${WORK_END} AND ${TENANT_FILTER}`,
    },
    ai_usage: {
      day: LOCAL_DAY('occurred_at'),
      from: `${rel.from('ai')} WHERE occurred_at >= ${WORK_START} AND occurred_at < ${WORK_END} AND ${TENANT_FILTER}`,
    },
    api_minutes: {
      day: LOCAL_DAY('minute'),
      from: `${rel.from('api')} WHERE minute >= ${WORK_START} AND minute < ${WORK_END} AND ${TENANT_FILTER}`,
    },
  };
}

/**
 * Each fact query as SQL, with the source that must be enabled for its facts to count. The queries of
 * `eveFromStore` keep only the work range's days: their stocks on the eve come from the stored day instead
 * (stored-eve.sql.ts), and their rows before it are those of the moving customers or the changing users alone.
 */
export function factSubqueries(
  rel: SourceRelations,
  lifecycle: LifecycleRows = 'history',
  eveFromStore: readonly FactQueryName[] = [],
  firstKeyActions: FirstKeyActions = 'probe all',
): { source: SourceName | 'billing'; facts: string[]; sql: string }[] {
  return Object.entries(factQueries(rel, lifecycle, firstKeyActions)).map(([name, query]) => {
    const facts = factsOfQuery(name as FactQueryName);
    const fromStore = eveFromStore.includes(name as FactQueryName);
    const day = foldsHistory(name as FactQueryName) && !fromStore ? `greatest(${query.day}, ${EVE})` : query.day;
    return {
      source: facts[0].source,
      facts: facts.map((fact) => fact.name),
      sql: `SELECT ${query.tenant ?? 'tenant_id'}, ${day} AS day,
          ${facts.map((fact) => `${fact.sql} AS ${fact.name}`).join(',\n          ')}
        FROM ${query.from}
        GROUP BY 1, 2${fromStore ? `\n        HAVING ${day} >= :w0::date` : ''}`,
    };
  });
}
