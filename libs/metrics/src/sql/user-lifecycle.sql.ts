import type { SourceRelations } from './source-relations.js';
import { DAY_START, EVE, SAME_TENANT, TENANT_FILTER } from './sql-fragments.js';
import { STATE_SOURCES, markOf } from './dirty-marks.sql.js';

/**
 * The persistent per-user lifecycle state (docs/performance.md, "Per-user activity state", lifecycle part): one
 * row per tenant and user with a lifecycle transition before an instant, the coverage's `folded_to`: the user's
 * first signup, last transition and whether that transition left them active. A run reads the lifecycle events
 * from `folded_to` on only (:lifecycle_at) and takes everything before from here: each user's state before their
 * first event of the run, the eve's active-user stock, and who signed up before. Instants, not local days: a
 * timezone change does not touch it. Derived data: folded from the lifecycle source by the compute itself.
 */
export const USER_LIFECYCLE_TABLE = 'metrics_user_lifecycle';
export const USER_LIFECYCLE_COVERAGE_TABLE = 'metrics_user_lifecycle_coverage';

/** The lifecycle events that move a user between active and not active, and those that leave them active. */
export const TRANSITION_TYPES = `('signup', 'deactivate', 'reactivate')`;
export const ACTIVE_AFTER = (type: string) => `${type} IN ('signup', 'reactivate')`;

/**
 * A user's transitions in order: by time, then by type, so two transitions of one user at the same instant are
 * ordered the same way by every run (a full recompute and a run seeded from the state).
 */
export const TRANSITION_ORDER = 'occurred_at, type';

/** The state row of the user of `events` (alias `e`): the coalesce equality lets the planner hash the join. */
const SAME_USER = (state: string, events: string) =>
  `${SAME_TENANT(state, events)} AND ${state}.user_id = ${events}.user_id`;

/**
 * The CTEs a run seeded from the state reads instead of the whole history (source-facts.ts): `lifecycle_events` from
 * :lifecycle_at to the end of the work range, `lifecycle_states` the state rows of the users with an event read (the
 * transitions take each user's state before their first event read from it), `first_signups` only of the users with
 * no signup before :lifecycle_at.
 *
 * `workRangeUsersOnly`: the stocks' eve comes from the stored day (stored-eve.sql.ts), so a transition before the work
 * range counts for nothing but the state it leaves its user in. Only the users with an event in the work range are
 * read then, with their events from :lifecycle_at on; every fact of the lifecycle reads the work range's days (the
 * signups of `first_signups` too, `activated_signups`), and those days' events are all theirs. Their state rows are
 * found by the state's key, a probe per user: a night at scale 1 has ~400 such users, where a semi join hashed the
 * month's users and read all 192,806 state rows (~60 ms).
 */
export function lifecycleCtesFromState(
  rel: SourceRelations,
  localDay: string,
  workEnd: string,
  workRangeUsersOnly = false,
): string[] {
  const events = `SELECT tenant_id, user_id, type, occurred_at, ${localDay} AS day
      FROM ${rel.from('lifecycle')}
      WHERE occurred_at >= :lifecycle_at::timestamptz AND occurred_at < ${workEnd} AND ${TENANT_FILTER}`;
  if (!workRangeUsersOnly) {
    return [
      `lifecycle_events AS (${events})`,
      `lifecycle_states AS MATERIALIZED (${statesOfUsersSql(events)})`,
      `first_signups AS (${newFirstSignupsSql('lifecycle_events e', 'lifecycle_states')})`,
    ];
  }
  return [
    `work_range_users AS MATERIALIZED (
      SELECT DISTINCT tenant_id, user_id FROM ${rel.from('lifecycle')}
      WHERE occurred_at >= ${DAY_START(':w0::date')} AND occurred_at < ${workEnd} AND ${TENANT_FILTER})`,
    `lifecycle_events AS (
      SELECT * FROM (${events}) AS e
      WHERE EXISTS (SELECT 1 FROM work_range_users u WHERE ${SAME_USER('u', 'e')}))`,
    `lifecycle_states AS MATERIALIZED (${statesByProbeSql('work_range_users')})`,
    `first_signups AS (${newFirstSignupsSql('lifecycle_events e', 'lifecycle_states')})`,
  ];
}

/**
 * The state rows of the users of `users` (distinct tenant_id, user_id), each found by a probe of the state's key: a
 * tenant's user by equality, a user of no tenant by `IS NULL` (the key treats nulls as equal). `OFFSET 0` keeps each
 * probe a subplan run per user: merged into a join, the planner may hash the whole state instead.
 */
function statesByProbeSql(users: string): string {
  return `SELECT s.* FROM ${users} u CROSS JOIN LATERAL (
        SELECT s.tenant_id, s.user_id, s.first_signup_at, s.active FROM ${USER_LIFECYCLE_TABLE} s
        WHERE s.tenant_id = u.tenant_id AND s.user_id = u.user_id
        UNION ALL
        SELECT s.tenant_id, s.user_id, s.first_signup_at, s.active FROM ${USER_LIFECYCLE_TABLE} s
        WHERE u.tenant_id IS NULL AND s.tenant_id IS NULL AND s.user_id = u.user_id
        OFFSET 0) AS s`;
}

/**
 * The state rows of the users of `events` (a query of rows with tenant_id and user_id), read once for the joins that
 * need them: each join with the whole table hashed every user's row (192,806 at scale 1, ~50 ms each, twice in a
 * nightly run's daily work and once in its cohorts) to match the users of a month's events (~9,000).
 *
 * `events` is the query itself, not the CTE of its rows: the planner knows a CTE's rows only by their declared types
 * (662 bytes each here, where the lifecycle's user and tenant take 12), so it sorted both sides in the locale's
 * order for a merge join rather than hash what it took for 90 MB (a scale-1 backfill's three years: 192, 375 and 543
 * ms). With the query, it hashes the source's own rows: the last year's 137,279 events against 192,806 state rows,
 * 547 → 147 ms in psql.
 */
function statesOfUsersSql(events: string): string {
  return `SELECT s.tenant_id, s.user_id, s.first_signup_at, s.active FROM ${USER_LIFECYCLE_TABLE} s
      WHERE EXISTS (SELECT 1 FROM (${events}) AS e WHERE ${SAME_USER('s', 'e')})`;
}

/**
 * The users whose first signup is at or after :lifecycle_at (the state has none for them), with that instant, from
 * `events` (lifecycle rows from :lifecycle_at on, aliased `e`) and `states` (the state rows of their users).
 */
function newFirstSignupsSql(events: string, states: string): string {
  return `SELECT tenant_id, user_id, min(occurred_at) AS signup_at
      FROM ${events} WHERE type = 'signup' AND NOT EXISTS (
        SELECT 1 FROM ${states} s WHERE ${SAME_USER('s', 'e')} AND s.first_signup_at IS NOT NULL)
      GROUP BY tenant_id, user_id`;
}

/**
 * Every user's first signup (tenant_id, user_id, signup_at) from the state as of :lifecycle_at and the signups from
 * it on: the same rows as `min(occurred_at)` of every signup in the history, without reading the history. The
 * signing-up users' state rows are found by probes: :lifecycle_at is the state's `folded_to`, which each run folds to
 * the start of its first week or month, so they are a few weeks' signups (~7,000 a night at scale 1), where a semi
 * join read and hashed all 192,806 state rows (~90 ms of a night's cohorts).
 */
export function firstSignupsFromStateSql(rel: SourceRelations): string {
  return `WITH signups_since AS (
        SELECT tenant_id, user_id, type, occurred_at FROM ${rel.from('lifecycle')}
        WHERE type = 'signup' AND occurred_at >= :lifecycle_at::timestamptz AND ${TENANT_FILTER}),
      signing_up AS MATERIALIZED (SELECT DISTINCT tenant_id, user_id FROM signups_since),
      signup_states AS MATERIALIZED (${statesByProbeSql('signing_up')})
      SELECT tenant_id, user_id, first_signup_at AS signup_at FROM ${USER_LIFECYCLE_TABLE}
      WHERE first_signup_at IS NOT NULL AND ${TENANT_FILTER}
      UNION ALL
      ${newFirstSignupsSql('signups_since e', 'signup_states')}`;
}

/**
 * The transitions of `lifecycle_events` with each one's state before it: the previous transition's, or for a
 * user's first transition read, the state's when `seeded` (`lifecycle_states`; none: not active).
 */
export function transitionsSql(seeded: boolean): string {
  const previous = `lag(${ACTIVE_AFTER('e.type')}) OVER (PARTITION BY e.tenant_id, e.user_id ORDER BY e.occurred_at, e.type)`;
  return `(
          SELECT e.tenant_id, e.day, e.type, ${ACTIVE_AFTER('e.type')} AS active_after,
                 coalesce(${previous}${seeded ? ', s.active' : ''}, false) AS active_before
          FROM lifecycle_events e${seeded ? `\n          LEFT JOIN lifecycle_states s ON ${SAME_USER('s', 'e')}` : ''}
          WHERE e.type IN ${TRANSITION_TYPES}) AS transitions`;
}

/**
 * What the state adds to the eve (:w0 − 1) of a run seeded from it, per tenant: the signups before :lifecycle_at
 * and the users active at it. With the transitions of [:lifecycle_at, work start) folded into the eve as well, the
 * running totals of `signups` and `active_delta` start from the whole history's base.
 */
export const STATE_EVE_SQL = `SELECT tenant_id, ${EVE} AS day, sum(signups) AS signups,
          count(*) FILTER (WHERE active) AS active_delta
        FROM ${USER_LIFECYCLE_TABLE} WHERE ${TENANT_FILTER} GROUP BY tenant_id`;

/**
 * The lifecycle transitions of [:lifecycle_at, :fold_to) folded into the state for every tenant: per user, the
 * earliest first signup, the number of signups, the latest transition and whether it left them active (the last in TRANSITION_ORDER).
 * A rebuild empties the table first and folds from '-infinity'.
 */
export function foldLifecycleSql(rel: SourceRelations): string {
  return `INSERT INTO ${USER_LIFECYCLE_TABLE} AS u (tenant_id, user_id, first_signup_at, signups, last_event_at, active)
    SELECT tenant_id, user_id, min(occurred_at) FILTER (WHERE type = 'signup'),
           count(*) FILTER (WHERE type = 'signup'), max(occurred_at),
           (array_agg(${ACTIVE_AFTER('type')} ORDER BY occurred_at DESC, type DESC))[1]
    FROM ${rel.from('lifecycle')}
    WHERE type IN ${TRANSITION_TYPES} AND occurred_at >= :lifecycle_at::timestamptz AND occurred_at < :fold_to::timestamptz
    GROUP BY tenant_id, user_id
    ON CONFLICT (tenant_id, user_id) DO UPDATE SET
      first_signup_at = least(u.first_signup_at, EXCLUDED.first_signup_at), signups = u.signups + EXCLUDED.signups,
      last_event_at = EXCLUDED.last_event_at, active = EXCLUDED.active`;
}

/**
 * The instant a chunk folds the state to: the start of the work range its first day has when built whole (the
 * earlier of that day's Monday and 1st, WORK_RANGE_SQL). That day never moves back as days go on, so every later run
 * of the days after it starts at or after the instant, whether it builds its own days only (a nightly run) or its
 * week and month again; a run of earlier days reads the history and rebuilds the state. Each nightly run reads the
 * events since it, up to a month's (it was the month before the work range's month: one to two months of events,
 * read and joined with the state by every nightly run).
 *
 * `:fold_day` is that first day: the chunk's own (:d0), or, for a chunk of a run followed by another, the next
 * chunk's, which then reads its own year's events from the state instead of two years' (the state was folded to the
 * start of the chunk before: at scale 1 the third year's chunk read 254,000 lifecycle events and joined their users'
 * states, where its year has ~130,000).
 */
export const FOLD_TO = DAY_START(
  `least(date_trunc('week', :fold_day::date), date_trunc('month', :fold_day::date))::date`,
);

/**
 * The last local day with instants before `foldedTo` (the state's instant): the day before it when it is a local
 * midnight, as the state's fold leaves it, or its own day after a timezone change.
 */
const STATE_LAST_DAY = (foldedTo: string) => `((${foldedTo} - interval '1 microsecond') AT TIME ZONE :tz)::date`;

/** The coverage: the instant the state is folded to, from which lifecycle relation. One row, or none. */
export const lifecycleCoverageSql = {
  /**
   * The instant a chunk may read the state as of: folded from :source, to no later than the work range's start,
   * and no mark of late lifecycle data that may stand for a transition before the instant (the catch-up that clears
   * such marks computes their days, reading the whole history, and rebuilds the state). A late transition marks
   * every computed day from its own local day to yesterday. One before the instant lies on or before the instant's
   * last local day (`STATE_LAST_DAY`), so it marked the first computed day from there on (a day up to yesterday:
   * the state is folded only by a run that computes a day after the instant and before today, `target`), or an
   * earlier one. A mark after that day stands for a transition at or after the instant, which every run reads from
   * the events: the state holds nothing of it. Until 2026-12-07 any lifecycle mark made the state unusable, so one
   * late signup from the day before sent the night to the whole lifecycle history and rebuilt the state.
   */
  usable: (workStart: string) => `SELECT c.folded_to::text AS folded_to FROM ${USER_LIFECYCLE_COVERAGE_TABLE} c
    WHERE c.source = :source AND c.folded_to <= ${workStart} AND NOT EXISTS (
      SELECT 1 FROM metrics_dirty_day m WHERE ${markOf(STATE_SOURCES.lifecycleState, 'm')} AND m.day <= coalesce((
        SELECT min(s.bucket_date) FROM system_metrics_snapshot s
        WHERE s.environment = :env AND s.tenant_id IS NULL AND s.bucket_type = 'daily'
          AND s.bucket_date >= ${STATE_LAST_DAY('c.folded_to')}), 'infinity'::date))`,
  /**
   * A fold's target, when it lies after the instant the state is folded to (:lifecycle_at) and the chunk computes a
   * day before today: a late transition before the target then always finds a computed day at or after its own to
   * mark dirty (ingest and the source watermarks mark computed days only, up to yesterday), which `usable` sees.
   */
  target: `SELECT to_fold::text AS fold_to FROM (SELECT ${FOLD_TO} AS to_fold) AS target
    WHERE to_fold > :lifecycle_at::timestamptz AND :fold_day::date < (:as_of::timestamptz AT TIME ZONE :tz)::date`,
  set: `INSERT INTO ${USER_LIFECYCLE_COVERAGE_TABLE} (singleton, source, folded_to)
    VALUES (true, :source, :fold_to::timestamptz)
    ON CONFLICT (singleton) DO UPDATE SET source = EXCLUDED.source, folded_to = EXCLUDED.folded_to`,
  forget: `DELETE FROM ${USER_LIFECYCLE_COVERAGE_TABLE}`,
  empty: `TRUNCATE ${USER_LIFECYCLE_TABLE}`,
};
