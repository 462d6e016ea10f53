import { MetricsService } from '@exec-metrics/metrics';
import { CohortComputeService } from '../libs/metrics/src/compute/cohort-compute.service.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows } from './support/source-rows.js';

/**
 * A run rewrites only the cohort months whose stored rows could change (docs/performance.md, reader 3 "Cohorts"):
 * after every run below, every cohort row equals a forced recompute of every cohort month for the same as_of, and
 * the steady nightly runs leave some months alone or advance them by their matured weeks. Through cell maturities
 * day by day, a month boundary, a skipped night, a late activity event and a late earlier signup (dirty days, then
 * their catch-up), an as_of moved backwards, a tenant-only run and a timezone change.
 *
 * Tenant a: u1 (10-06), u2 (10-20), u3 (11-12), u4 (12-03), u6 (01-05), u5 (01-31, on the skipped night); tenant b: u1 (11-03),
 * u2 (12-17); x1 has no tenant (global view only, 01-08).
 */
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
/**
 * The reference recomputes every month from before the first signup to the as_of's: not only the months the runs
 * left rows for, or a run that wrongly emptied a month would go unnoticed.
 */
const FIRST_COHORT = '2025-01-01';
const monthOf = (asOf: Date) => `${asOf.toISOString().slice(0, 7)}-01`;
/** The runs' as_of: the morning after their day, as the scheduler runs them. */
const morningAfter = (date: string) => new Date(`${nextDay(date)}T06:00:00Z`);

describe('cohorts: a run recomputes only the months whose stored rows can change', () => {
  let test: TestApp;
  let metrics: MetricsService;
  let cohortCompute: CohortComputeService;

  const nightly = (date: string, asOf = morningAfter(date)) => metrics.computeRange({ start: date, end: date, asOf });

  /** Cohort rows without ids, computation times and the bookkeeping of what they were computed for. */
  const cohortRows = async (tenant?: string) =>
    test.dataSource.query<{ row: string }[]>(
      `SELECT (to_jsonb(c) - 'id' - 'computed_at' - 'computed_as_of' - 'computed_inputs')::text AS row
       FROM system_cohort_retention c WHERE $1::varchar IS NULL OR tenant_id = $1 ORDER BY 1`,
      [tenant ?? null],
    );

  /**
   * The stored rows (of one tenant, or all) compared with every cohort month recomputed by force for `asOf`; the
   * stored rows are then put back as they were, so the next run starts from what the runs left.
   */
  const expectFullRecompute = async (asOf: Date, tenant?: string) => {
    const incremental = await cohortRows(tenant);
    expect(incremental.length).toBeGreaterThan(0);
    const saved = await saveCohortRows();
    await test.dataSource.query('DELETE FROM system_cohort_retention');
    await fromWholeHistory(() => cohortCompute.months(FIRST_COHORT, monthOf(asOf), asOf));
    expect(incremental).toEqual(await cohortRows(tenant));
    await restoreCohortRows(saved.rows);
  };

  /**
   * `work` with the lifecycle state's coverage hidden: the cohorts then read their members from every signup of the
   * history, so the reference does not share the runs' reading of the state.
   */
  const fromWholeHistory = async (work: () => Promise<void>) => {
    await test.dataSource.query(`UPDATE metrics_user_lifecycle_coverage SET source = source || ' (hidden)'`);
    try {
      await work();
    } finally {
      await test.dataSource.query(
        `UPDATE metrics_user_lifecycle_coverage SET source = left(source, length(source) - length(' (hidden)'))`,
      );
    }
  };

  /** Every stored cohort row as it is, to be put back by restoreCohortRows. */
  const saveCohortRows = async () => {
    const [saved] = await test.dataSource.query<{ rows: string }[]>(
      `SELECT coalesce(jsonb_agg(to_jsonb(c)), '[]')::text AS rows FROM system_cohort_retention c`,
    );
    return saved;
  };

  const restoreCohortRows = async (rows: string) => {
    await test.dataSource.query('DELETE FROM system_cohort_retention');
    await test.dataSource.query(
      `INSERT INTO system_cohort_retention SELECT * FROM jsonb_populate_recordset(NULL::system_cohort_retention, $1::jsonb)`,
      [rows],
    );
  };

  /** How many rows the last run rewrote (their computed_as_of is its as_of), and how many it left. */
  const rewritten = async (asOf: Date) => {
    const [row] = await test.dataSource.query<{ rewritten: number; left: number }[]>(
      `SELECT count(*) FILTER (WHERE computed_as_of = $1)::int AS rewritten,
              count(*) FILTER (WHERE computed_as_of IS DISTINCT FROM $1)::int AS left
       FROM system_cohort_retention`,
      [asOf],
    );
    return row;
  };

  /**
   * How many rows a nightly run for `date` advanced: rewrote, keeping the weeks it had stored. Every stored shown
   * cell is first raised by 1,000; a row the run rewrote that still has a raised cell kept it, and its last shown
   * week, just computed, must not be raised. The rows are put back as they were before the run, to be run for real.
   */
  const advancedRows = async (date: string) => {
    const saved = await saveCohortRows();
    await test.dataSource.query(
      `UPDATE system_cohort_retention SET curve = (
         SELECT jsonb_agg(CASE WHEN cell ->> 'retained' IS NULL THEN cell
                               ELSE jsonb_set(cell, '{retained}', to_jsonb((cell ->> 'retained')::int + 1000)) END
                          ORDER BY (cell ->> 'week')::int)
         FROM jsonb_array_elements(curve) AS cell)`,
    );
    await nightly(date);
    const [row] = await test.dataSource.query<{ advanced: number; stale_last_week: number }[]>(
      `SELECT count(*)::int AS advanced,
              count(*) FILTER (WHERE (SELECT (cell ->> 'retained')::int FROM jsonb_array_elements(curve) AS cell
                                      WHERE cell ->> 'retained' IS NOT NULL
                                      ORDER BY (cell ->> 'week')::int DESC LIMIT 1) >= 1000)::int AS stale_last_week
       FROM system_cohort_retention
       WHERE computed_as_of = $1
         AND EXISTS (SELECT 1 FROM jsonb_array_elements(curve) AS cell WHERE (cell ->> 'retained')::int >= 1000)`,
      [morningAfter(date)],
    );
    await restoreCohortRows(saved.rows);
    expect(row.stale_last_week).toBe(0);
    return row.advanced;
  };

  /** Days marked dirty as ingest marks them for late activity and signups: the computed days from `from` to `to`. */
  const markDirty = (from: string, to: string) =>
    test.dataSource.query(
      `INSERT INTO metrics_dirty_day (day, source)
       SELECT d::date, source FROM generate_series($1::date, $2::date, interval '1 day') AS d
       CROSS JOIN unnest(ARRAY['activity', 'lifecycle']) AS source ON CONFLICT DO NOTHING`,
      [from, to],
    );

  beforeAll(async () => {
    test = await createTestApp();
    metrics = test.app.get(MetricsService);
    cohortCompute = test.app.get(CohortComputeService);
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['a', 'u1', 'signup', '2025-10-06T09:00:00Z'],
        ['a', 'u2', 'signup', '2025-10-20T09:00:00Z'],
        ['b', 'u1', 'signup', '2025-11-03T09:00:00Z'],
        ['a', 'u3', 'signup', '2025-11-12T09:00:00Z'],
        ['a', 'u4', 'signup', '2025-12-03T09:00:00Z'],
        ['b', 'u2', 'signup', '2025-12-17T09:00:00Z'],
        ['a', 'u4', 'deactivate', '2026-01-20T09:00:00Z'],
        [null, 'x1', 'signup', '2026-01-08T09:00:00Z'],
        ['a', 'u6', 'signup', '2026-01-05T09:00:00Z'],
      ],
      activity: [
        ['a', 'u1', '2025-10-07T10:00:00Z'],
        ['a', 'u1', '2025-12-30T10:00:00Z'],
        ['a', 'u1', '2026-01-27T10:00:00Z'],
        ['a', 'u2', '2025-11-25T10:00:00Z'],
        ['a', 'u2', '2026-01-29T10:00:00Z'],
        ['b', 'u1', '2025-11-20T10:00:00Z'],
        ['b', 'u1', '2026-01-26T10:00:00Z'],
        ['b', 'u1', '2026-02-02T10:00:00Z'],
        ['a', 'u3', '2025-12-01T10:00:00Z'],
        ['a', 'u3', '2026-01-28T10:00:00Z'],
        ['a', 'u4', '2025-12-10T10:00:00Z'],
        ['a', 'u4', '2026-01-14T10:00:00Z'],
        ['b', 'u2', '2025-12-24T10:00:00Z'],
        ['b', 'u2', '2026-01-30T10:00:00Z'],
        [null, 'x1', '2026-01-15T10:00:00Z'],
      ],
    });
    // The backfill: every day since May has a snapshot, so no cohort day before the runs' is "never computed".
    await metrics.computeRange({ start: '2025-05-01', end: '2026-01-25', asOf: morningAfter('2026-01-25') });
  });

  afterAll(() => test.close());

  it('nightly runs across cell maturities, a skipped night and a month boundary equal a full recompute', async () => {
    let leftAlone = 0;
    let advanced = 0;
    for (const date of ['2026-01-26', '2026-01-27', '2026-01-28', '2026-01-29', '2026-01-30']) {
      advanced += await advancedRows(date);
      await nightly(date);
      await expectFullRecompute(morningAfter(date));
      leftAlone += (await rewritten(morningAfter(date))).left;
    }
    // Most nights leave months whose cells neither matured nor read the new day, and a month whose only change is
    // a matured week computes that week and keeps the others.
    expect(leftAlone).toBeGreaterThan(0);
    expect(advanced).toBeGreaterThan(0);

    // 01-31 skipped (a/u5 signed up and x1 was active that day, never computed): the next night still sees it. No
    // week of January's rows matures on that night, so only the day without a snapshot makes January stale.
    await insertSourceRows(test.dataSource, {
      lifecycle: [['a', 'u5', 'signup', '2026-01-31T09:00:00Z']],
      activity: [
        [null, 'x1', '2026-01-31T10:00:00Z'],
        ['a', 'u5', '2026-01-31T10:00:00Z'],
        ['a', 'u5', '2026-02-01T10:00:00Z'],
      ],
    });
    await nightly('2026-02-01');
    // Each scope's row is decided alone. November's last signups: b's on a Monday (11-03), a's and so the global
    // view's on a Wednesday (11-12). On Monday morning b's row shows a new week (and read 01-31): rewritten. a's and the
    // global view's show no new week, and read no new day (their last shown week ended 01-27): left as they were.
    const [november] = await test.dataSource.query<{ rewritten: (string | null)[] }[]>(
      `SELECT array_agg(tenant_id ORDER BY tenant_id NULLS FIRST) AS rewritten FROM system_cohort_retention
       WHERE cohort_month = '2025-11-01' AND computed_as_of = $1`,
      [morningAfter('2026-02-01')],
    );
    expect(november.rewritten).toEqual(['b']);
    await expectFullRecompute(morningAfter('2026-02-01'));
    // The catch-up computes the missing day the morning after.
    await metrics.computeRange({ start: '2026-01-31', end: '2026-01-31', asOf: morningAfter('2026-02-01') });
    await expectFullRecompute(morningAfter('2026-02-01'));
    await nightly('2026-02-02');
    await expectFullRecompute(morningAfter('2026-02-02'));
  });

  it("the members come from the lifecycle state when it is usable: a user's first signup as the state holds it", async () => {
    const cohortSize = async (month: string) => {
      const [row] = await test.dataSource.query<{ cohort_size: number }[]>(
        `SELECT cohort_size FROM system_cohort_retention WHERE tenant_id = 'a' AND cohort_month = $1`,
        [month],
      );
      return Number(row?.cohort_size ?? 0);
    };
    const asOf = morningAfter('2026-02-02');
    const saved = await saveCohortRows();
    const [state] = await test.dataSource.query<{ first_signup_at: string }[]>(
      `SELECT first_signup_at FROM metrics_user_lifecycle WHERE tenant_id = 'a' AND user_id = 'u3'`,
    );
    expect(state).toBeDefined(); // folded: u3 signed up on 2025-11-12, before the state's instant
    expect([await cohortSize('2025-10-01'), await cohortSize('2025-11-01')]).toEqual([2, 1]);
    try {
      // Moved in the state only (the events still say November): a forced recompute takes the state's word for it.
      await test.dataSource.query(
        `UPDATE metrics_user_lifecycle SET first_signup_at = '2025-10-12T09:00:00Z' WHERE tenant_id = 'a' AND user_id = 'u3'`,
      );
      await cohortCompute.months(FIRST_COHORT, monthOf(asOf), asOf);
      expect([await cohortSize('2025-10-01'), await cohortSize('2025-11-01')]).toEqual([3, 0]);
      // With the state's coverage hidden, the same recompute reads the history.
      await fromWholeHistory(() => cohortCompute.months(FIRST_COHORT, monthOf(asOf), asOf));
      expect([await cohortSize('2025-10-01'), await cohortSize('2025-11-01')]).toEqual([2, 1]);
    } finally {
      await test.dataSource.query(
        `UPDATE metrics_user_lifecycle SET first_signup_at = $1 WHERE tenant_id = 'a' AND user_id = 'u3'`,
        [state.first_signup_at],
      );
      await restoreCohortRows(saved.rows);
    }
  });

  it('late events for past days: exact while their days are dirty, and after their catch-up', async () => {
    // A late activity in a shown week of b's November cohort, and a late earlier signup that moves a/u4 from the
    // December cohort to November's (marked from its day on: a signup changes every later day).
    await insertSourceRows(test.dataSource, {
      activity: [['b', 'u1', '2025-12-04T10:00:00Z']],
      lifecycle: [['a', 'u4', 'signup', '2025-11-28T09:00:00Z']],
    });
    await markDirty('2025-11-28', '2026-02-02');
    await nightly('2026-02-03');
    await expectFullRecompute(morningAfter('2026-02-03'));

    await metrics.computeRange({ start: '2025-11-28', end: '2026-02-02', asOf: morningAfter('2026-02-03') });
    await test.dataSource.query('DELETE FROM metrics_dirty_day');
    await expectFullRecompute(morningAfter('2026-02-03'));
    await nightly('2026-02-04');
    await expectFullRecompute(morningAfter('2026-02-04'));
  });

  it('an as_of moved backwards, then forwards again', async () => {
    const earlier = morningAfter('2026-01-28');
    await nightly('2026-02-04', earlier);
    await expectFullRecompute(earlier);
    await nightly('2026-02-05');
    await expectFullRecompute(morningAfter('2026-02-05'));
  });

  it("a tenant-only run rewrites that tenant's rows; the next run for all tenants brings the others up", async () => {
    await insertSourceRows(test.dataSource, { activity: [['a', 'u3', '2026-02-06T10:00:00Z']] });
    await metrics.computeRange({
      start: '2026-02-06',
      end: '2026-02-06',
      tenant: 'a',
      asOf: morningAfter('2026-02-06'),
    });
    await expectFullRecompute(morningAfter('2026-02-06'), 'a');
    await nightly('2026-02-07');
    await expectFullRecompute(morningAfter('2026-02-07'));
  });

  it('a timezone change recomputes every month of the run in the new timezone', async () => {
    await test.dataSource.query(`UPDATE system_metrics_config SET timezone = 'America/New_York'`);
    await nightly('2026-02-08');
    expect((await rewritten(morningAfter('2026-02-08'))).left).toBe(0);
    await expectFullRecompute(morningAfter('2026-02-08'));
    await nightly('2026-02-09');
    await expectFullRecompute(morningAfter('2026-02-09'));

    // And the same rows as a backfill from nothing: snapshots, cohorts and states emptied, every day computed again.
    const incremental = await cohortRows();
    await test.dataSource.query(
      'TRUNCATE system_metrics_snapshot, system_cohort_retention, metrics_user_activity, metrics_user_activity_coverage, metrics_daily_work',
    );
    await metrics.computeRange({ start: '2025-05-01', end: '2026-02-09', asOf: morningAfter('2026-02-09') });
    expect(incremental).toEqual(await cohortRows());
  });
});
