import { MetricsService } from '@exec-metrics/metrics';
import { createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows } from './support/source-rows.js';

/**
 * The per-user lifecycle state (docs/performance.md, "Per-user activity state", lifecycle part): runs that read the
 * lifecycle events from the state's instant on, and the state before it, give exactly the snapshots and cohorts of
 * a full recompute from the whole history, through late lifecycle events with their dirty days, deactivations and
 * reactivations on both sides of the state's instant, a repeated signup, two transitions at one instant, a tenant
 * added later, a one-tenant run and a timezone change.
 */
describe('per-user lifecycle state: incremental runs equal a full recompute', () => {
  let test: TestApp;
  let metrics: MetricsService;
  const asOf = new Date('2026-02-10T06:00:00Z');

  const day = async (date: string) => metrics.computeRange({ start: date, end: date, asOf });
  const range = async (start: string, end: string) => metrics.computeRange({ start, end, asOf });

  /**
   * Every snapshot and cohort row (the snapshots from `from` on, the cohorts from `cohortsFrom`), in a fixed order.
   * Not the rows of tenant c's buckets that end before its first signup (11-25): a run writes every bucket of its
   * range for every tenant it sees, so only a run whose range reaches back there (the full recompute) has them,
   * all zero, with or without the state.
   */
  const computedRows = async (from = '0001-01-01', cohortsFrom = '0001-01-01') =>
    test.dataSource.query<{ row: string }[]>(
      `SELECT (to_jsonb(s) - 'id' - 'computed_at')::text AS row FROM system_metrics_snapshot s WHERE bucket_date >= $1
         AND NOT (tenant_id = 'c' AND CASE bucket_type WHEN 'daily' THEN bucket_date WHEN 'weekly' THEN bucket_date + 6
                  ELSE (bucket_date + interval '1 month')::date - 1 END < '2025-11-25')
       UNION ALL SELECT (to_jsonb(c) - 'id' - 'computed_at' - 'computed_as_of' - 'computed_inputs')::text FROM system_cohort_retention c
       WHERE cohort_month >= $2
       ORDER BY 1`,
      [from, cohortsFrom],
    );

  /** Snapshots, cohorts and both states emptied, the whole range computed again in one run. */
  const fullRecompute = async (start: string, end: string, from?: string, cohortsFrom?: string) => {
    await test.dataSource.query(
      `TRUNCATE system_metrics_snapshot, system_cohort_retention, metrics_user_activity, metrics_user_activity_coverage, metrics_daily_work,
         metrics_user_lifecycle, metrics_user_lifecycle_coverage`,
    );
    await range(start, end);
    return computedRows(from, cohortsFrom);
  };

  /** The instant the state is folded to, in UTC. */
  const foldedTo = async () => {
    const rows = await test.dataSource.query<{ folded_to: string }[]>(
      `SELECT to_char(folded_to AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS folded_to FROM metrics_user_lifecycle_coverage`,
    );
    return rows[0]?.folded_to;
  };

  const stateOf = async (tenant: string | null, user: string) => {
    const [row] = await test.dataSource.query<{ first_signup: string | null; signups: number; active: boolean }[]>(
      `SELECT to_char(first_signup_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS first_signup, signups, active
       FROM metrics_user_lifecycle WHERE tenant_id IS NOT DISTINCT FROM $1::varchar AND user_id = $2`,
      [tenant, user],
    );
    return row;
  };

  const daily = async (date: string, tenant: string | null) => {
    const [row] = await test.dataSource.query<{ total_customers: number; signups_total: number }[]>(
      `SELECT total_customers, signups_total FROM system_metrics_snapshot
       WHERE bucket_type = 'daily' AND bucket_date = $1 AND tenant_id IS NOT DISTINCT FROM $2::varchar`,
      [date, tenant],
    );
    return row && { total: Number(row.total_customers), signups: Number(row.signups_total) };
  };

  /** Every computed day from `from` on marked dirty, as ingest marks the days a late signup or deactivation reaches. */
  const markFrom = (from: string) =>
    test.dataSource.query(
      `INSERT INTO metrics_dirty_day (day, source) SELECT DISTINCT bucket_date, 'lifecycle' FROM system_metrics_snapshot
       WHERE bucket_type = 'daily' AND tenant_id IS NULL AND bucket_date >= $1 ON CONFLICT DO NOTHING`,
      [from],
    );

  beforeAll(async () => {
    test = await createTestApp();
    metrics = test.app.get(MetricsService);
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['a', 'u1', 'signup', '2025-09-10T09:00:00Z'],
        ['a', 'u1', 'deactivate', '2025-10-20T09:00:00Z'],
        ['a', 'u1', 'reactivate', '2026-01-10T09:00:00Z'],
        ['a', 'u2', 'signup', '2025-10-05T09:00:00Z'],
        ['a', 'u2', 'trial_started', '2025-10-05T09:05:00Z'],
        ['a', 'u2', 'trial_converted', '2025-10-12T09:00:00Z'],
        ['a', 'u3', 'signup', '2025-11-15T09:00:00Z'],
        ['a', 'u3', 'deactivate', '2026-01-12T09:00:00Z'],
        // Two transitions at one instant: ordered by type (deactivate, then signup) by every run.
        ['a', 'u5', 'signup', '2025-11-20T10:00:00Z'],
        ['a', 'u5', 'deactivate', '2025-11-20T10:00:00Z'],
        ['a', 'u4', 'signup', '2026-01-05T09:00:00Z'],
        ['b', 'u1', 'signup', '2025-09-20T09:00:00Z'],
        ['b', 'u1', 'signup', '2026-01-09T09:00:00Z'],
        [null, 'x1', 'signup', '2025-12-01T09:00:00Z'],
        // 02:00 UTC: 01-10 in UTC, 01-09 in New York.
        ['b', 'u2', 'signup', '2026-01-10T02:00:00Z'],
      ],
      activity: [
        ['a', 'u1', '2025-09-10T10:00:00Z'],
        ['a', 'u2', '2025-10-06T10:00:00Z'],
        ['a', 'u4', '2026-01-06T10:00:00Z'],
        ['b', 'u1', '2026-01-09T10:00:00Z'],
      ],
      activation: [
        ['a', 'u4', 'file_upload', '2026-01-07T10:00:00Z'],
        ['b', 'u1', 'report_generate', '2025-09-21T10:00:00Z'],
      ],
    });
  });

  afterAll(() => test.close());

  it('a backfill builds the state from the history, then folds it forward chunk by chunk', async () => {
    // Two chunks (calendar years): the first reads the whole history and builds the state as of the start of the
    // second's whole work range (New Year's week, from Monday 2025-12-29), so the second reads the events from that
    // instant only; being the last, it folds no further (its own first day's work range starts there too).
    await range('2025-09-01', '2026-01-08');
    expect(await foldedTo()).toBe('2025-12-29 00:00');
    expect(await stateOf('a', 'u1')).toEqual({ first_signup: '2025-09-10', signups: 1, active: false });
    expect(await stateOf('b', 'u1')).toEqual({ first_signup: '2025-09-20', signups: 1, active: true });
    expect(await stateOf('a', 'u3')).toEqual({ first_signup: '2025-11-15', signups: 1, active: true });
    expect(await stateOf('a', 'u4')).toBeUndefined(); // signed up after the instant
  });

  it('through late lifecycle events, a new tenant, deactivations and reactivations, nightly runs equal a full recompute', async () => {
    for (const date of ['2026-01-09', '2026-01-10', '2026-01-11', '2026-01-12']) await day(date);
    // The nightly runs build their own days only: folded to the start of their month (a Monday's week starts later).
    expect(await foldedTo()).toBe('2026-01-01 00:00');
    expect(await stateOf('a', 'u5')).toEqual({ first_signup: '2025-11-20', signups: 1, active: true });
    expect(await daily('2026-01-12', 'a')).toEqual({ total: 4, signups: 5 }); // u1 (again), u2, u4, u5; not u3

    // A signup before the state's instant written without a dirty mark (a host table without a hook): the state
    // does not hold it, so the next run does not see it.
    await insertSourceRows(test.dataSource, { lifecycle: [['a', 'u6', 'signup', '2025-11-25T09:00:00Z']] });
    await day('2026-01-13');
    expect(await daily('2026-01-13', 'a')).toEqual({ total: 4, signups: 5 });
    // Marked dirty as ingest marks a late signup (every computed day from its own), with a tenant added later:
    // the run reads the whole history and rebuilds the state.
    await insertSourceRows(test.dataSource, { lifecycle: [['c', 'u1', 'signup', '2025-11-26T09:00:00Z']] });
    await markFrom('2025-11-25');
    await day('2026-01-13');
    expect(await daily('2026-01-13', 'a')).toEqual({ total: 5, signups: 6 });
    expect(await daily('2026-01-13', 'c')).toEqual({ total: 1, signups: 1 });
    expect(await stateOf('c', 'u1')).toEqual({ first_signup: '2025-11-26', signups: 1, active: true });
    // The catch-up recomputes the dirty days.
    await range('2025-11-25', '2026-01-12');
    await test.dataSource.query('DELETE FROM metrics_dirty_day');
    await day('2026-01-13');
    expect(await foldedTo()).toBe('2026-01-01 00:00');

    // A late deactivation before the state's instant, with its dirty days; a reactivation after it.
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['a', 'u2', 'deactivate', '2025-10-25T09:00:00Z'],
        ['a', 'u3', 'reactivate', '2026-01-14T09:00:00Z'],
      ],
    });
    await markFrom('2025-10-25');
    await day('2026-01-14');
    await range('2025-10-25', '2026-01-13');
    await test.dataSource.query('DELETE FROM metrics_dirty_day');
    expect(await stateOf('a', 'u2')).toEqual({ first_signup: '2025-10-05', signups: 1, active: false });

    // A one-tenant run reads the state but does not move it.
    const before = await foldedTo();
    await metrics.computeRange({ start: '2026-01-15', end: '2026-01-15', tenant: 'a', asOf });
    expect(await foldedTo()).toBe(before);
    for (const date of ['2026-01-14', '2026-01-15', '2026-01-16']) await day(date);
    expect(await daily('2026-01-16', 'a')).toEqual({ total: 5, signups: 6 }); // u1, u3 (again), u4, u5, u6; not u2

    // A late signup after the state's instant, marked as ingest marks it (every computed day from its own): the state
    // holds nothing of it, so the next run still reads the state, and the signup from the events. A signup before the
    // instant written without a mark shows the state was not rebuilt: it stays unseen.
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['a', 'u7', 'signup', '2025-12-10T09:00:00Z'],
        ['a', 'u9', 'signup', '2026-01-15T09:00:00Z'],
      ],
    });
    await markFrom('2026-01-15');
    await day('2026-01-16');
    expect(await foldedTo()).toBe('2026-01-01 00:00');
    expect(await daily('2026-01-16', 'a')).toEqual({ total: 6, signups: 7 }); // u9; not u7
    expect(await stateOf('a', 'u7')).toBeUndefined();
    await range('2026-01-15', '2026-01-16');
    await test.dataSource.query('DELETE FROM metrics_dirty_day');
    // Marked from its own day, before the instant: the next run reads the whole history and rebuilds the state.
    await markFrom('2025-12-10');
    await day('2026-01-16');
    expect(await stateOf('a', 'u7')).toEqual({ first_signup: '2025-12-10', signups: 1, active: true });
    expect(await daily('2026-01-16', 'a')).toEqual({ total: 7, signups: 8 });
    await range('2025-12-10', '2026-01-15');
    await test.dataSource.query('DELETE FROM metrics_dirty_day');

    const incremental = await computedRows();
    expect(incremental.length).toBeGreaterThan(100);
    expect(incremental).toEqual(await fullRecompute('2025-09-01', '2026-01-16'));
  });

  it('a timezone change keeps the state (instants, not days): runs in the new timezone equal a full recompute', async () => {
    // The state as nightly runs leave it (the full recompute before rebuilt it to New Year's week).
    for (const date of ['2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16']) await day(date);
    expect(await foldedTo()).toBe('2026-01-01 00:00');

    await test.dataSource.query(`UPDATE system_metrics_config SET timezone = 'America/New_York'`);
    // The state is read as it is: a row before its instant written without a mark stays unseen (then removed; the
    // nightly runs below recompute the cohorts that read it).
    await insertSourceRows(test.dataSource, { lifecycle: [['a', 'u8', 'signup', '2025-11-25T09:00:00Z']] });
    // A range from the 5th: its work range starts on the 1st in New York, after the state's instant (midnight in UTC).
    await range('2026-01-05', '2026-01-16');
    expect(await daily('2026-01-16', 'a')).toEqual({ total: 7, signups: 8 }); // the test above's u7 and u9; not u8
    await test.dataSource.query(`DELETE FROM metrics_lifecycle_event WHERE user_id = 'u8'`);
    expect(await foldedTo()).toBe('2026-01-01 05:00');
    // From the 1st, its work range starts with its week, on 2025-12-29: before the instant, so the run reads the
    // whole history and rebuilds the state, to that Monday in New York.
    await range('2026-01-01', '2026-01-04');
    expect(await foldedTo()).toBe('2025-12-29 05:00');
    // b/u2 signed up on 01-09 in New York (01-10 in UTC), read from the events after the state's instant.
    expect(await daily('2026-01-09', 'b')).toEqual({ total: 2, signups: 3 });
    for (const date of ['2026-01-17', '2026-01-18']) await day(date);

    // The days computed in New York (January on; the cohorts the last run recomputed) equal a full recompute's.
    const incremental = await computedRows('2026-01-01', '2025-08-01');
    expect(incremental.length).toBeGreaterThan(50);
    expect(incremental).toEqual(await fullRecompute('2025-09-01', '2026-01-18', '2026-01-01', '2025-08-01'));
  });

  it('a late transition before the instant, on days never computed, marks the first computed day: the state is rebuilt', async () => {
    await test.dataSource.query(
      `TRUNCATE system_metrics_snapshot, system_cohort_retention, metrics_user_activity, metrics_user_activity_coverage,
         metrics_daily_work, metrics_user_lifecycle, metrics_user_lifecycle_coverage, metrics_dirty_day`,
    );
    // The first days computed ever: Wednesday the 7th on, its state folded to the 1st (New York, the test above's).
    await range('2026-01-07', '2026-01-07');
    expect(await foldedTo()).toBe('2026-01-01 05:00');
    // A signup of 12-20, before the instant, arrives late: the days from its own on that were computed start on the 7th.
    await insertSourceRows(test.dataSource, { lifecycle: [['a', 'u10', 'signup', '2025-12-20T15:00:00Z']] });
    await markFrom('2025-12-20');
    await day('2026-01-08');
    expect(await stateOf('a', 'u10')).toEqual({ first_signup: '2025-12-20', signups: 1, active: true });
  });
});
