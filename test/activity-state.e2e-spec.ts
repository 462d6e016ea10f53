import { MetricsService } from '@exec-metrics/metrics';
import { createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows } from './support/source-rows.js';

/**
 * The per-user activity state (docs/performance.md, "Per-user activity state"): runs that read the days before
 * their range from the state give exactly the snapshots and cohorts of a full recompute from raw activity, through
 * a late event for a past day, a deactivation, a deleted event, a year boundary and a timezone change.
 *
 * Tenant a: u1 active across New Year (2025-12-31 23:30 UTC and 2026-01-01 02:00 UTC, both 12-31 in New York),
 * u2 deactivated on 01-12, u3 from 12-30; tenant b: u1; x1 has no tenant (global view only).
 */
/** The calendar day after a YYYY-MM-DD date. */
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('per-user activity state: incremental runs equal a full recompute', () => {
  let test: TestApp;
  let metrics: MetricsService;
  const asOf = new Date('2026-02-10T06:00:00Z');

  const day = async (date: string) => metrics.computeRange({ start: date, end: date, asOf });
  const range = async (start: string, end: string) => metrics.computeRange({ start, end, asOf });

  /** Every snapshot and cohort row without ids and computation times, in a fixed order. */
  const computedRows = async () =>
    test.dataSource.query<{ row: string }[]>(
      `SELECT (to_jsonb(s) - 'id' - 'computed_at')::text AS row FROM system_metrics_snapshot s
       UNION ALL SELECT (to_jsonb(c) - 'id' - 'computed_at' - 'computed_as_of' - 'computed_inputs')::text FROM system_cohort_retention c
       ORDER BY 1`,
    );

  /** Snapshots, cohorts and state emptied, the whole range computed again from raw activity in one run. */
  const fullRecompute = async (start: string, end: string) => {
    await test.dataSource.query(
      'TRUNCATE system_metrics_snapshot, system_cohort_retention, metrics_user_activity, metrics_user_activity_coverage, metrics_daily_work',
    );
    await range(start, end);
    return computedRows();
  };

  /** One user's active days of a year in the state, as dates. */
  const stateDays = async (tenant: string | null, user: string, year: number) => {
    const rows = await test.dataSource.query<{ day: string; first_day: string; last_day: string }[]>(
      `SELECT (make_date(year, 1, 1) + n - 1)::text AS day, first_day::text, last_day::text
       FROM metrics_user_activity, generate_series(1, 366) AS n
       WHERE tenant_id IS NOT DISTINCT FROM $1::varchar AND user_id = $2 AND year = $3 AND get_bit(days, n - 1) = 1
       ORDER BY n`,
      [tenant, user, year],
    );
    return rows.map((row) => row.day);
  };

  const coverage = async () =>
    (
      await test.dataSource.query<{ timezone: string; first_day: string; last_day: string }[]>(
        'SELECT timezone, first_day::text, last_day::text FROM metrics_user_activity_coverage',
      )
    )[0];

  const wau = async (date: string, tenant: string | null) => {
    const [row] = await test.dataSource.query<{ wau: number }[]>(
      `SELECT wau FROM system_metrics_snapshot WHERE bucket_type = 'daily' AND bucket_date = $1
         AND tenant_id IS NOT DISTINCT FROM $2::varchar`,
      [date, tenant],
    );
    return Number(row.wau);
  };

  beforeAll(async () => {
    test = await createTestApp();
    metrics = test.app.get(MetricsService);
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['a', 'u1', 'signup', '2025-11-03T09:00:00Z'],
        ['a', 'u2', 'signup', '2025-11-10T09:00:00Z'],
        ['b', 'u1', 'signup', '2025-12-01T09:00:00Z'],
        ['a', 'u3', 'signup', '2025-12-30T09:00:00Z'],
        ['a', 'u2', 'deactivate', '2026-01-12T09:00:00Z'],
      ],
      activity: [
        ['a', 'u1', '2025-11-03T10:00:00Z'],
        ['a', 'u1', '2025-11-20T10:00:00Z'],
        ['a', 'u1', '2025-12-15T10:00:00Z'],
        ['a', 'u1', '2025-12-31T23:30:00Z'],
        ['a', 'u1', '2026-01-01T02:00:00Z'],
        ['a', 'u1', '2026-01-09T10:00:00Z'],
        ['a', 'u1', '2026-01-14T10:00:00Z'],
        ['a', 'u2', '2025-11-10T10:00:00Z'],
        ['a', 'u2', '2025-12-20T10:00:00Z'],
        ['a', 'u2', '2026-01-05T10:00:00Z'],
        ['a', 'u3', '2025-12-30T10:00:00Z'],
        ['a', 'u3', '2026-01-04T10:00:00Z'],
        ['a', 'u3', '2026-01-11T10:00:00Z'],
        ['b', 'u1', '2025-12-01T10:00:00Z'],
        ['b', 'u1', '2025-12-29T10:00:00Z'],
        ['b', 'u1', '2026-01-02T10:00:00Z'],
        ['b', 'u1', '2026-01-13T10:00:00Z'],
        [null, 'x1', '2025-12-31T12:00:00Z'],
        [null, 'x1', '2026-01-10T12:00:00Z'],
      ],
    });
  });

  afterAll(() => test.close());

  it('folds a backfill into one bit string per user and year, and covers the computed days', async () => {
    // Two chunks, one per calendar year (September to December, January to 01-08): a user active in both (a/u1) has a
    // row of each year, the first folded by the first chunk, the second by the second.
    await range('2025-09-01', '2026-01-08');
    expect(await stateDays('a', 'u1', 2025)).toEqual(['2025-11-03', '2025-11-20', '2025-12-15', '2025-12-31']);
    // The last chunk read its whole month (to 01-31): 01-09 and 01-14 are folded too, but not covered.
    expect(await stateDays('a', 'u1', 2026)).toEqual(['2026-01-01', '2026-01-09', '2026-01-14']);
    expect(await stateDays(null, 'x1', 2025)).toEqual(['2025-12-31']);
    expect(await coverage()).toEqual({ timezone: 'UTC', first_day: '2025-09-01', last_day: '2026-01-08' });
    // Written into the empty state before its indexes were built: every index is back.
    const indexes = await test.dataSource.query<{ name: string }[]>(
      `SELECT indexname AS name FROM pg_indexes
       WHERE schemaname = current_schema() AND tablename = 'metrics_user_activity' ORDER BY 1`,
    );
    expect(indexes.map((index) => index.name)).toEqual([
      'metrics_user_activity_key',
      'metrics_user_activity_last_month',
      'metrics_user_activity_recent',
    ]);
  });

  it('through late events, a deactivation and a deleted event, nightly runs equal a full recompute', async () => {
    for (const date of ['2026-01-09', '2026-01-10', '2026-01-11']) await day(date);
    expect((await coverage()).last_day).toBe('2026-01-11');

    // Late events for past days (a/u2 on 01-03, a new user a/u5 on 01-07), marked dirty as ingest marks them.
    await insertSourceRows(test.dataSource, {
      activity: [
        ['a', 'u2', '2026-01-03T10:00:00Z'],
        ['a', 'u5', '2026-01-07T10:00:00Z'],
      ],
    });
    await test.dataSource.query(
      `INSERT INTO metrics_dirty_day (day, source)
       SELECT d::date, 'activity' FROM generate_series('2026-01-03'::date, '2026-01-11', '1 day') AS d`,
    );
    // A dirty day in its lookback: this run reads raw activity for it, and sees the late users.
    await day('2026-01-12');
    expect(await wau('2026-01-12', 'a')).toBe(3); // 01-06..01-12: u1 (01-09), u3 (01-11), u5 (01-07, late)
    // The catch-up recomputes the dirty days and folds them again.
    await range('2026-01-03', '2026-01-11');
    await test.dataSource.query('DELETE FROM metrics_dirty_day');
    expect(await stateDays('a', 'u2', 2026)).toEqual(['2026-01-03', '2026-01-05']);

    // An event deleted from a computed day, then that day recomputed: its bit is cleared.
    await test.dataSource.query(
      `DELETE FROM metrics_activity_event WHERE tenant_id = 'a' AND user_id = 'u1' AND occurred_at = '2026-01-09T10:00:00Z'`,
    );
    await range('2026-01-09', '2026-01-12');
    expect(await stateDays('a', 'u1', 2026)).toEqual(['2026-01-01', '2026-01-14']);

    for (const date of ['2026-01-13', '2026-01-14', '2026-01-15']) await day(date);
    const incremental = await computedRows();
    expect(incremental.length).toBeGreaterThan(100);
    expect(incremental).toEqual(await fullRecompute('2025-09-01', '2026-01-15'));
  });

  it('reads covered days from the state: a row added to one without a dirty mark shows only once it is recomputed', async () => {
    await insertSourceRows(test.dataSource, { activity: [['b', 'u9', '2026-01-14T10:00:00Z']] });
    await day('2026-01-16');
    expect(await wau('2026-01-16', 'b')).toBe(1); // b/u1 (01-13): 01-14's new row is not in the state yet
    // Days marked for other sources' late data (a key action reaches the 7 days before its own): the state holds them.
    await test.dataSource.query(
      `INSERT INTO metrics_dirty_day (day, source) VALUES ('2026-01-14', 'activation'), ('2026-01-15', 'jobs')`,
    );
    await day('2026-01-16');
    expect(await wau('2026-01-16', 'b')).toBe(1);
    await test.dataSource.query(
      `INSERT INTO metrics_dirty_day (day, source) VALUES ('2026-01-14', 'activity'), ('2026-01-15', 'activity')`,
    );
    await day('2026-01-16');
    expect(await wau('2026-01-16', 'b')).toBe(2); // a dirty day in the lookback: read from raw activity
    await range('2026-01-14', '2026-01-15');
    await test.dataSource.query('DELETE FROM metrics_dirty_day');
    await day('2026-01-16');
    expect(await wau('2026-01-16', 'b')).toBe(2); // folded: now from the state
  });

  it('a timezone change empties the state; rebuilt by a run, the nightly runs equal a full recompute', async () => {
    await test.dataSource.query(`UPDATE system_metrics_config SET timezone = 'America/New_York'`);
    await range('2025-09-01', '2026-01-10');
    expect(await coverage()).toEqual({ timezone: 'America/New_York', first_day: '2025-09-01', last_day: '2026-01-10' });
    // Both New Year events are on 12-31 in New York: the 2026 row has no 01-01 any more.
    expect(await stateDays('a', 'u1', 2025)).toEqual(['2025-11-03', '2025-11-20', '2025-12-15', '2025-12-31']);
    expect(await stateDays('a', 'u1', 2026)).toEqual(['2026-01-14']);

    for (const date of ['2026-01-11', '2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16']) {
      await day(date);
    }
    const incremental = await computedRows();
    expect(incremental).toEqual(await fullRecompute('2025-09-01', '2026-01-16'));
  });

  it("cohorts advance from the state: nightly runs read their members' weeks as bits and equal a full recompute", async () => {
    // Runs each "next morning" (06:00 UTC is 01:00 in New York): yesterday is final, so the cohort cells shown read
    // only covered days and the state answers them.
    const morningAfter = (date: string) => new Date(`${nextDay(date)}T06:00:00Z`);
    const nightly = async (date: string) => metrics.computeRange({ start: date, end: date, asOf: morningAfter(date) });
    const cohortRows = async () =>
      test.dataSource.query<{ row: string }[]>(
        `SELECT (to_jsonb(c) - 'id' - 'computed_at' - 'computed_as_of' - 'computed_inputs')::text AS row FROM system_cohort_retention c ORDER BY 1`,
      );
    /** The users of a tenant's December 2025 cohort retained in one week of its curve. */
    const retainedInWeek = async (tenant: string, week: number) => {
      const [row] = await test.dataSource.query<{ retained: number | null }[]>(
        `SELECT (curve -> $2::int ->> 'retained')::int AS retained FROM system_cohort_retention
         WHERE tenant_id = $1 AND cohort_month = '2025-12-01'`,
        [tenant, week],
      );
      return row.retained;
    };
    const week7 = (tenant: string) => retainedInWeek(tenant, 7);

    // A January cohort (a/u7) whose weeks cross the state's days, with a deactivation.
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['a', 'u7', 'signup', '2026-01-05T15:00:00Z'],
        ['a', 'u7', 'deactivate', '2026-01-21T15:00:00Z'],
      ],
      activity: [
        ['a', 'u7', '2026-01-05T16:00:00Z'],
        ['a', 'u7', '2026-01-13T16:00:00Z'],
        ['a', 'u7', '2026-01-20T16:00:00Z'],
        ['a', 'u1', '2026-01-22T16:00:00Z'],
      ],
    });
    // Two chunks from June: the nightly cohorts' first month (June) on.
    await metrics.computeRange({ start: '2025-06-01', end: '2026-01-20', asOf: morningAfter('2026-01-20') });
    expect(await coverage()).toEqual({ timezone: 'America/New_York', first_day: '2025-06-01', last_day: '2026-01-20' });

    // A row added to a covered day without a dirty mark (b/u1 on 01-20, week 7 of its December cohort).
    await insertSourceRows(test.dataSource, { activity: [['b', 'u1', '2026-01-20T16:00:00Z']] });
    for (const date of ['2026-01-21', '2026-01-22', '2026-01-23', '2026-01-24', '2026-01-25']) await nightly(date);
    // Week 7 (01-19..01-25) of b's December cohort has ended: read from the state, which does not hold the row yet.
    expect(await week7('b')).toBe(0);
    // Week 4 (12-29..01-04) spans New Year: b/u1 is active in both its yearly rows (12-29 and 01-02), one user.
    expect(await retainedInWeek('b', 4)).toBe(1);

    // A late event for a past day, marked dirty as ingest marks it: a dirty day in the cohorts' days reads activity.
    await insertSourceRows(test.dataSource, { activity: [['a', 'u3', '2026-01-17T16:00:00Z']] });
    await test.dataSource.query(
      `INSERT INTO metrics_dirty_day (day, source) VALUES ('2026-01-17', 'activity'), ('2026-01-20', 'activity')`,
    );
    await nightly('2026-01-26');
    expect(await week7('b')).toBe(1);
    // The catch-up folds the dirty days; the next nightly runs read the state again and still see both rows.
    await metrics.computeRange({ start: '2026-01-17', end: '2026-01-20', asOf: morningAfter('2026-01-26') });
    await test.dataSource.query('DELETE FROM metrics_dirty_day');
    await nightly('2026-01-26');
    expect(await week7('b')).toBe(1);
    await nightly('2026-01-27');

    const incremental = await cohortRows();
    expect(incremental.length).toBeGreaterThan(5);
    await test.dataSource.query(
      'TRUNCATE system_metrics_snapshot, system_cohort_retention, metrics_user_activity, metrics_user_activity_coverage, metrics_daily_work',
    );
    // From empty state, its cohorts (from October 2024) start before the coverage: read from raw activity.
    await metrics.computeRange({ start: '2025-06-01', end: '2026-01-27', asOf: morningAfter('2026-01-27') });
    expect(incremental).toEqual(await cohortRows());
  });
});

/**
 * The rolling windows of runs reading the state (docs/performance.md, "Per-user activity state", reader 1): the
 * 29-day lookback before the work range comes from the state as each user's last active day in it, which must give
 * the WAU and MAU of every lookback day. UTC. Tenant a: u1 active in the lookback only (three days), u2 across New
 * Year (two yearly rows), u3 twice in the lookback and once in January, u4 only before any January lookback;
 * tenant b: u1 (the same user id, another user) on 12-31 only; x1 of no tenant, lookback only (global view).
 */
describe('per-user activity state: the rolling windows from the lookback users’ last days', () => {
  let test: TestApp;
  let metrics: MetricsService;
  const asOf = new Date('2026-01-20T06:00:00Z');
  const day = async (date: string) => metrics.computeRange({ start: date, end: date, asOf });

  const snapshotRows = async () =>
    test.dataSource.query<{ row: string }[]>(
      `SELECT (to_jsonb(s) - 'id' - 'computed_at')::text AS row FROM system_metrics_snapshot s ORDER BY 1`,
    );

  /** Every daily row's WAU and MAU beside the distinct (tenant, user) pairs active in its window, read from raw events. */
  const windowsAgainstEvents = async () =>
    test.dataSource.query<
      { day: string; tenant_id: string | null; wau: string; raw_wau: string; mau: string; raw_mau: string }[]
    >(
      `SELECT s.bucket_date::text AS day, s.tenant_id, s.wau::bigint::text AS wau, s.mau::bigint::text AS mau,
         (SELECT count(DISTINCT (e.tenant_id, e.user_id)) FROM metrics_activity_event e
          WHERE (s.tenant_id IS NULL OR e.tenant_id = s.tenant_id)
            AND (e.occurred_at AT TIME ZONE 'UTC')::date BETWEEN s.bucket_date - 6 AND s.bucket_date)::text AS raw_wau,
         (SELECT count(DISTINCT (e.tenant_id, e.user_id)) FROM metrics_activity_event e
          WHERE (s.tenant_id IS NULL OR e.tenant_id = s.tenant_id)
            AND (e.occurred_at AT TIME ZONE 'UTC')::date BETWEEN s.bucket_date - 29 AND s.bucket_date)::text AS raw_mau
       FROM system_metrics_snapshot s WHERE s.bucket_type = 'daily' ORDER BY 1, 2`,
    );

  beforeAll(async () => {
    test = await createTestApp();
    metrics = test.app.get(MetricsService);
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['a', 'u1', 'signup', '2025-11-01T09:00:00Z'],
        ['a', 'u2', 'signup', '2025-11-01T09:00:00Z'],
        ['a', 'u3', 'signup', '2025-11-01T09:00:00Z'],
        ['a', 'u4', 'signup', '2025-11-01T09:00:00Z'],
        ['b', 'u1', 'signup', '2025-11-01T09:00:00Z'],
      ],
      activity: [
        ['a', 'u1', '2025-12-05T10:00:00Z'],
        ['a', 'u1', '2025-12-10T10:00:00Z'],
        ['a', 'u1', '2025-12-20T10:00:00Z'],
        ['a', 'u2', '2025-12-30T10:00:00Z'],
        ['a', 'u2', '2026-01-02T10:00:00Z'],
        ['a', 'u2', '2026-01-06T10:00:00Z'],
        ['a', 'u3', '2025-12-27T10:00:00Z'],
        ['a', 'u3', '2025-12-28T10:00:00Z'],
        ['a', 'u3', '2026-01-03T10:00:00Z'],
        ['a', 'u4', '2025-11-15T10:00:00Z'],
        ['b', 'u1', '2025-12-31T10:00:00Z'],
        [null, 'x1', '2025-12-12T12:00:00Z'],
        [null, 'x1', '2025-12-26T12:00:00Z'],
      ],
    });
  });

  afterAll(() => test.close());

  it('reads the lookback as one last active day per user and yearly row', async () => {
    await metrics.computeRange({ start: '2025-10-01', end: '2026-01-01', asOf });
    // 01-05's work range starts on 01-01: its lookback 12-03..12-31 is 9 user-days, 5 last days (a/u1 12-20, a/u2
    // 12-30, a/u3 12-28, b/u1 12-31, x1 12-26); the dry run shows the chunk's table before it is dropped.
    let lookback: { tenant_id: string | null; user_id: string; day: string }[] = [];
    await day('2026-01-02');
    await day('2026-01-03');
    await day('2026-01-04');
    await metrics.computeRange({
      start: '2026-01-05',
      end: '2026-01-05',
      asOf,
      inspectThenRollBack: async (manager) => {
        lookback = await manager.query(
          `SELECT tenant_id, user_id, day::text FROM metrics_user_days WHERE day < '2026-01-01' ORDER BY 2, 1`,
        );
      },
    });
    expect(lookback).toEqual([
      { tenant_id: 'a', user_id: 'u1', day: '2025-12-20' },
      { tenant_id: 'b', user_id: 'u1', day: '2025-12-31' },
      { tenant_id: 'a', user_id: 'u2', day: '2025-12-30' },
      { tenant_id: 'a', user_id: 'u3', day: '2025-12-28' },
      { tenant_id: null, user_id: 'x1', day: '2025-12-26' },
    ]);
  });

  it('nightly runs across New Year equal a full recompute and the distinct users of raw events', async () => {
    // Each night to 01-19: a/u1 leaves the MAU on 01-19 (last active 12-20), x1 on 01-25 (in the work range's rollups).
    for (let date = '2026-01-05'; date <= '2026-01-19'; date = nextDay(date)) await day(date);
    const windows = await windowsAgainstEvents();
    expect(windows.length).toBeGreaterThan(100);
    for (const row of windows) {
      expect({ ...row, wau: row.raw_wau, mau: row.raw_mau }).toEqual(row);
    }
    // MAU of 01-05 in tenant a: u1 (lookback only, 12-20), u2, u3; WAU: u2 (01-02), u3 (01-03).
    const a0105 = windows.find((row) => row.day === '2026-01-05' && row.tenant_id === 'a');
    expect(a0105).toMatchObject({ wau: '2', mau: '3' });
    // The global view counts x1 (no tenant) and a's and b's u1 apart: u1, u2, u3 of a, u1 of b, x1.
    const global0105 = windows.find((row) => row.day === '2026-01-05' && row.tenant_id === null);
    expect(global0105).toMatchObject({ mau: '5' });

    const incremental = await snapshotRows();
    await test.dataSource.query(
      'TRUNCATE system_metrics_snapshot, system_cohort_retention, metrics_user_activity, metrics_user_activity_coverage, metrics_daily_work',
    );
    await metrics.computeRange({ start: '2025-10-01', end: '2026-01-19', asOf });
    const full = await snapshotRows();
    // The full recompute writes every day of the range; the nightly runs wrote theirs and their weeks and months.
    const fullByKey = new Set(full.map((row) => row.row));
    const missing = incremental.filter((row) => !fullByKey.has(row.row));
    expect(missing).toEqual([]);
  });
});
