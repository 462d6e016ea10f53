import { MetricsService } from '@exec-metrics/metrics';
import { createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows, type SourceRows } from './support/source-rows.js';
import { run } from '../libs/metrics/src/database/statement.js';
import { GLOBAL_GAP_DAYS, keyActionGlobalUsersSql } from '../libs/metrics/src/sql/key-action-days.sql.js';

/**
 * The key-action days (docs/performance.md, "Key-action days"): users per key action of every stored day, week and
 * month, and of a summary's range, counted from the folded days equal a distinct count of the events themselves,
 * through late, deleted and moved key actions recomputed one day at a time, a one-tenant run and a timezone change;
 * the folded days equal those folded from nothing, and their global counts a count of the folded days.
 *
 * The events: tenants a and b and no tenant (the global view only), six users each, three configured actions and one
 * that is not, at pseudo-random instants (any hour, so a timezone moves some across midnight) from 2025-08-20 to
 * 2025-11-05, around the computed months September and October.
 */
const ACTIONS = ['file_upload', 'worklog_create', 'report_generate'] as const;
const COLUMNS: Record<(typeof ACTIONS)[number], string> = {
  file_upload: 'users_uploaded_file',
  worklog_create: 'users_created_worklog',
  report_generate: 'users_generated_report',
};
const TENANTS = ['a', 'b', null] as const;
const AS_OF = new Date('2025-12-01T06:00:00Z');

/** The same pseudo-random key actions on every run of the test (a linear congruential generator). */
function keyActions(): NonNullable<SourceRows['activation']> {
  let seed = 20251204;
  const next = (below: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    // The high bits: an LCG's low bits repeat with short periods.
    return Math.floor(seed / 65536) % below;
  };
  const first = Date.parse('2025-08-20T00:00:00Z');
  const rows: NonNullable<SourceRows['activation']> = [];
  for (let index = 0; index < 420; index += 1) {
    const tenant = TENANTS[next(3)];
    const action = [...ACTIONS, 'invite_sent'][next(4)];
    const at = new Date(first + next(78 * 24) * 3_600_000 + next(60) * 60_000).toISOString();
    rows.push([tenant, `u${next(6)}`, action, at]);
  }
  return rows;
}

describe('key-action days: users per key action equal a distinct count of the events', () => {
  let test: TestApp;
  let metrics: MetricsService;

  const range = (start: string, end: string, tenant?: string) =>
    metrics.computeRange({ start, end, asOf: AS_OF, ...(tenant ? { tenant } : {}) });

  /** Users per configured key action over the local days [from, to] (timezone `tz`), counted from the events. */
  const fromEvents = async (from: string, to: string, tenant: string | null, tz = 'UTC') => {
    const rows = await test.dataSource.query<{ action: string; users: number }[]>(
      `SELECT action, count(*)::int AS users FROM (
         SELECT DISTINCT tenant_id, action, user_id FROM system_activation_event
         WHERE (occurred_at AT TIME ZONE $4)::date BETWEEN $1::date AND $2::date
           AND ($3::varchar IS NULL OR tenant_id = $3) AND action = ANY($5::text[])) AS distinct_users
       GROUP BY action`,
      [from, to, tenant, tz, ACTIONS],
    );
    return Object.fromEntries(ACTIONS.map((action) => [action, rows.find((row) => row.action === action)?.users ?? 0]));
  };

  /** Every stored day, week and month: its users per key action against the events' count over its days. */
  const storedAgainstEvents = async (tz = 'UTC') => {
    const rows = await test.dataSource.query<
      { tenant_id: string | null; bucket_type: string; bucket_date: string; last_day: string; users: string }[]
    >(
      `SELECT tenant_id, bucket_type, bucket_date::text,
         (CASE bucket_type WHEN 'daily' THEN bucket_date WHEN 'weekly' THEN bucket_date + 6
           ELSE (bucket_date + interval '1 month')::date - 1 END)::text AS last_day,
         '[' || concat_ws(',', ${ACTIONS.map((action) => COLUMNS[action]).join(', ')}) || ']' AS users
       FROM system_metrics_snapshot ORDER BY 2, 3, 1 NULLS FIRST`,
    );
    expect(rows.length).toBeGreaterThan(60);
    const stored: string[] = [];
    const expected: string[] = [];
    for (const row of rows) {
      const label = `${row.bucket_type} ${row.bucket_date} ${row.tenant_id ?? 'global'}`;
      stored.push(`${label} ${row.users}`);
      const counts = await fromEvents(row.bucket_date, row.last_day, row.tenant_id, tz);
      expected.push(`${label} [${ACTIONS.map((action) => counts[action]).join(',')}]`);
    }
    expect(stored).toEqual(expected);
  };

  /** The folded days, every column, in a fixed order. */
  const foldedDays = () =>
    test.dataSource.query<Record<string, string | null>[]>(
      `SELECT tenant_id, action, user_id, day::text, previous_day::text FROM metrics_key_action_day
       ORDER BY 1 NULLS FIRST, 2, 3, 4`,
    );

  /** The folded days of a backfill from nothing over the same months. */
  const foldedFromNothing = async () => {
    await test.dataSource.query(
      'TRUNCATE metrics_key_action_day, metrics_key_action_day_coverage, metrics_key_action_global_day, metrics_key_action_tenant_day, metrics_daily_work',
    );
    await range('2025-09-01', '2025-10-31');
    return foldedDays();
  };

  /**
   * The global counts against a count of the folded days themselves: every action, day and gap up to a year; and the
   * tenant counts: every tenant, action and day's users, and those whose previous day lies before its week and month.
   */
  const countsAgainstDays = async () => {
    const tenantCounts = await test.dataSource.query(
      `SELECT tenant_id, action, day::text, users, week_first, month_first FROM metrics_key_action_tenant_day
       ORDER BY 1 NULLS FIRST, 2, 3`,
    );
    expect(tenantCounts.length).toBeGreaterThan(100);
    expect(tenantCounts).toEqual(
      await test.dataSource.query(
        `SELECT tenant_id, action, day::text, count(*)::int AS users,
           count(*) FILTER (WHERE previous_day IS NULL OR previous_day < date_trunc('week', day)::date)::int AS week_first,
           count(*) FILTER (WHERE previous_day IS NULL OR previous_day < date_trunc('month', day)::date)::int AS month_first
         FROM metrics_key_action_day GROUP BY 1, 2, 3 ORDER BY 1 NULLS FIRST, 2, 3`,
      ),
    );
    const stored = await test.dataSource.query(
      `SELECT action, day::text,
         array_agg(coalesce(users_at_least[width_bucket(gaps.gap - 1, gap_days) + 1], 0) ORDER BY gaps.gap) AS users
       FROM metrics_key_action_global_day CROSS JOIN generate_series(1, ${GLOBAL_GAP_DAYS}) AS gaps(gap)
       GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(stored.length).toBeGreaterThan(100);
    expect(stored).toEqual(
      await test.dataSource.query(
        `SELECT action, day::text, array_agg(users ORDER BY gap) AS users FROM (
           SELECT k.action, k.day, gaps.gap,
             count(*) FILTER (WHERE k.previous_day IS NULL OR k.day - k.previous_day >= gaps.gap)::int AS users
           FROM metrics_key_action_day AS k CROSS JOIN generate_series(1, ${GLOBAL_GAP_DAYS}) AS gaps(gap)
           GROUP BY 1, 2, 3) AS counted
         GROUP BY 1, 2 ORDER BY 1, 2`,
      ),
    );
  };

  const coverage = async () =>
    (
      await test.dataSource.query<{ timezone: string; first_day: string; last_day: string }[]>(
        'SELECT timezone, first_day::text, last_day::text FROM metrics_key_action_day_coverage',
      )
    )[0];

  /** A summary's users per configured key action. */
  const summaryUsers = async (start: string, end: string, tenant: string | null) => {
    const summary = await metrics.summary({ start, end, tenant, asOf: AS_OF });
    return Object.fromEntries(ACTIONS.map((action) => [action, summary.metrics[COLUMNS[action]]]));
  };

  /** A table's indexes (the key-action days' by default): each one's id and definition. */
  const indexes = (table = 'metrics_key_action_day') =>
    test.dataSource.query<{ id: string; definition: string }[]>(
      `SELECT indexrelid::int::text AS id, pg_get_indexdef(indexrelid) AS definition FROM pg_index
       WHERE indrelid = $1::regclass ORDER BY 2`,
      [table],
    );
  let migratedIndexes: { id: string; definition: string }[];
  let migratedCountIndexes: { id: string; definition: string }[];

  beforeAll(async () => {
    test = await createTestApp();
    metrics = test.app.get(MetricsService);
    migratedIndexes = await indexes();
    migratedCountIndexes = await indexes('metrics_key_action_tenant_day');
    // Signed up before the key actions: a tenant's scope exists from its users' signups.
    const signups = TENANTS.flatMap((tenant) =>
      [0, 1, 2, 3, 4, 5].map((user): [string | null, string, string, string] => [
        tenant,
        `u${user}`,
        'signup',
        '2025-08-01T09:00:00Z',
      ]),
    );
    await insertSourceRows(test.dataSource, { lifecycle: signups, activation: keyActions() });
    await range('2025-09-01', '2025-10-31');
  });

  afterAll(() => test.close());

  it("a backfill's days, weeks and months count what the events count, per tenant and globally", async () => {
    expect(await coverage()).toEqual({ timezone: 'UTC', first_day: '2025-09-01', last_day: '2025-10-31' });
    await storedAgainstEvents();
    await countsAgainstDays();
  });

  it('a first fold into the empty tables builds their indexes after their rows, as the migrations define them', async () => {
    const built = await indexes();
    expect(built.map((index) => index.definition)).toEqual(migratedIndexes.map((index) => index.definition));
    for (const index of built) expect(migratedIndexes.map(({ id }) => id)).not.toContain(index.id);
    // The tenants' counts of the days too.
    const builtCounts = await indexes('metrics_key_action_tenant_day');
    expect(builtCounts.map((index) => index.definition)).toEqual(migratedCountIndexes.map((index) => index.definition));
    for (const index of builtCounts) expect(migratedCountIndexes.map(({ id }) => id)).not.toContain(index.id);
    // The keys, built again, are enforced: the user and the action compared as bytes find the same duplicates.
    await expect(
      test.dataSource.query(
        `INSERT INTO metrics_key_action_day (tenant_id, action, user_id, day)
         SELECT tenant_id, action, user_id, day FROM metrics_key_action_day WHERE tenant_id IS NULL LIMIT 1`,
      ),
    ).rejects.toThrow(/metrics_key_action_day_key/);
    await expect(
      test.dataSource.query(
        `INSERT INTO metrics_key_action_tenant_day (tenant_id, action, day, users, week_first, month_first)
         SELECT tenant_id, action, day, 1, 1, 1 FROM metrics_key_action_tenant_day LIMIT 1`,
      ),
    ).rejects.toThrow(/metrics_key_action_tenant_day_key/);
    // A fold into a table with rows keeps its indexes up to date as it writes.
    await range('2025-10-01', '2025-10-01');
    expect(await indexes()).toEqual(built);
    expect(await indexes('metrics_key_action_tenant_day')).toEqual(builtCounts);
  });

  it('a global range longer than the counts tell apart reads its later days from the key-action days', async () => {
    const globalUsers = async (start: string, end: string, countedDays: number) => {
      const rows = await run<{ fact: string; value: string }>((text, values) => test.dataSource.query(text, values), {
        sql: keyActionGlobalUsersSql(':w0::date', countedDays),
        params: { w0: start, w1: end, actions: ACTIONS },
      });
      const users = (action: string) => Number(rows.find((row) => row.fact === `action:${action}`)?.value ?? 0);
      return Object.fromEntries(ACTIONS.map((action) => [action, users(action)]));
    };
    for (const [start, end] of [
      ['2025-09-01', '2025-10-31'],
      ['2025-09-10', '2025-10-09'],
      ['2025-10-15', '2025-10-15'],
    ]) {
      const truth = await fromEvents(start, end, null);
      for (const countedDays of [1, 7, 30, GLOBAL_GAP_DAYS]) {
        expect({ start, end, countedDays, users: await globalUsers(start, end, countedDays) }).toEqual({
          start,
          end,
          countedDays,
          users: truth,
        });
      }
    }
  });

  it('a summary over any range of held days counts from the folded days, equal to the events', async () => {
    const ranges = [
      ['2025-09-01', '2025-09-30'],
      ['2025-09-10', '2025-10-09'],
      ['2025-10-15', '2025-10-15'],
      ['2025-09-29', '2025-10-05'],
      ['2025-09-01', '2025-10-31'],
    ];
    for (const [start, end] of ranges) {
      for (const tenant of TENANTS) {
        expect({ start, end, tenant, users: await summaryUsers(start, end, tenant) }).toEqual({
          start,
          end,
          tenant,
          users: await fromEvents(start, end, tenant),
        });
      }
    }

    // The folded days are what the summary reads: a row told it has no previous day counts its user a second time.
    const [repeat] = await test.dataSource.query<{ tenant_id: string; action: string; day: string }[]>(
      `SELECT tenant_id, action, day::text FROM metrics_key_action_day
       WHERE tenant_id = 'a' AND action = 'file_upload' AND previous_day >= '2025-09-10' AND day <= '2025-10-09'
       ORDER BY day LIMIT 1`,
    );
    expect(repeat).toBeDefined();
    const truth = await fromEvents('2025-09-10', '2025-10-09', 'a');
    await test.dataSource.query(
      `UPDATE metrics_key_action_day SET previous_day = NULL WHERE tenant_id = 'a' AND action = 'file_upload' AND day = $1`,
      [repeat.day],
    );
    const miscounted = await summaryUsers('2025-09-10', '2025-10-09', 'a');
    expect(miscounted.file_upload).toBeGreaterThan(truth.file_upload);
    // A day of the range marked for late activity only: the key-action days still hold it.
    await test.dataSource.query(`INSERT INTO metrics_dirty_day (day, source) VALUES ('2025-09-20', 'activity')`);
    expect(await summaryUsers('2025-09-10', '2025-10-09', 'a')).toEqual(miscounted);
    // A day of the range waiting to be recomputed for late key actions: the events are counted instead.
    await test.dataSource.query(`INSERT INTO metrics_dirty_day (day, source) VALUES ('2025-09-20', 'activation')`);
    expect(await summaryUsers('2025-09-10', '2025-10-09', 'a')).toEqual(truth);
    await test.dataSource.query(`DELETE FROM metrics_dirty_day`);
    // A recompute of that day's month folds it again.
    await range(repeat.day, repeat.day);
    expect(await summaryUsers('2025-09-10', '2025-10-09', 'a')).toEqual(truth);

    // The global view's summary reads the global counts: one told of a user more counts it.
    const globalTruth = await fromEvents('2025-09-10', '2025-10-09', null);
    await test.dataSource.query(
      `UPDATE metrics_key_action_global_day SET users_at_least[1] = users_at_least[1] + 1
       WHERE action = 'file_upload' AND day = '2025-09-10'`,
    );
    expect((await summaryUsers('2025-09-10', '2025-10-09', null)).file_upload).toBe(globalTruth.file_upload + 1);
    await range('2025-09-10', '2025-09-10');
    expect(await summaryUsers('2025-09-10', '2025-10-09', null)).toEqual(globalTruth);
    await countsAgainstDays();
  });

  it("a month's snapshot sums its days' tenant counts: one told of a user more counts it until its day is folded again", async () => {
    const october = async () => {
      const [row] = await test.dataSource.query<{ users: number }[]>(
        `SELECT users_uploaded_file::int AS users FROM system_metrics_snapshot
         WHERE bucket_type = 'monthly' AND bucket_date = '2025-10-01' AND tenant_id = 'a'`,
      );
      return row.users;
    };
    const truth = (await fromEvents('2025-10-01', '2025-10-31', 'a')).file_upload;
    expect(await october()).toBe(truth);
    const [{ day }] = await test.dataSource.query<{ day: string }[]>(
      `SELECT min(day)::text AS day FROM metrics_key_action_tenant_day
       WHERE tenant_id = 'a' AND action = 'file_upload' AND day BETWEEN '2025-10-01' AND '2025-10-29'`,
    );
    await test.dataSource.query(
      `UPDATE metrics_key_action_tenant_day SET month_first = month_first + 1
       WHERE tenant_id = 'a' AND action = 'file_upload' AND day = $1`,
      [day],
    );
    // The month's last day computed again: its own days are folded, the earlier ones read from the counts.
    await range('2025-10-31', '2025-10-31');
    expect(await october()).toBe(truth + 1);
    await range(day, day);
    expect(await october()).toBe(truth);
    await countsAgainstDays();
  });

  it('late, deleted and moved key actions recomputed one day at a time equal a fold from nothing', async () => {
    const [deleted] = await test.dataSource.query<{ id: string; day: string }[]>(
      `SELECT id, (occurred_at AT TIME ZONE 'UTC')::date::text AS day FROM system_activation_event
       WHERE occurred_at >= '2025-09-15' AND occurred_at < '2025-09-16' AND action = 'file_upload' ORDER BY id LIMIT 1`,
    );
    await test.dataSource.query('DELETE FROM system_activation_event WHERE id = $1', [deleted.id]);
    const [moved] = await test.dataSource.query<{ id: string }[]>(
      `SELECT id FROM system_activation_event WHERE occurred_at >= '2025-10-02' AND occurred_at < '2025-10-03'
         AND action = ANY($1::text[]) ORDER BY id LIMIT 1`,
      [ACTIONS],
    );
    await test.dataSource.query(
      `UPDATE system_activation_event SET occurred_at = '2025-09-28T10:00:00Z' WHERE id = $1`,
      [moved.id],
    );
    await insertSourceRows(test.dataSource, {
      activation: [
        ['a', 'u2', 'worklog_create', '2025-09-03T08:00:00Z'],
        [null, 'u9', 'report_generate', '2025-10-20T23:30:00Z'],
      ],
    });
    // Later days first, so each fold's later rows must be linked again to the days an earlier fold rewrites.
    for (const day of ['2025-10-20', '2025-10-02', '2025-09-28', deleted.day, '2025-09-03']) await range(day, day);
    await storedAgainstEvents();
    await countsAgainstDays();
    const incremental = await foldedDays();
    expect(incremental).toEqual(await foldedFromNothing());
    await countsAgainstDays();
  });

  it('a one-tenant run folds that tenant alone; a timezone change empties the days and a run folds them again', async () => {
    await insertSourceRows(test.dataSource, { activation: [['b', 'u1', 'file_upload', '2025-10-10T12:00:00Z']] });
    const others = (await foldedDays()).filter((row) => row.tenant_id !== 'b');
    await range('2025-10-10', '2025-10-10', 'b');
    expect((await foldedDays()).filter((row) => row.tenant_id !== 'b')).toEqual(others);
    await countsAgainstDays();
    expect(await foldedDays()).toEqual(await foldedFromNothing());

    await test.dataSource.query(`UPDATE system_metrics_config SET timezone = 'America/New_York'`);
    const indexesBefore = await indexes();
    await range('2025-09-01', '2025-10-31');
    // The coverage stored before the run let summaries count from the old rows meanwhile: the indexes were kept.
    expect(await indexes()).toEqual(indexesBefore);
    expect(await coverage()).toEqual({ timezone: 'America/New_York', first_day: '2025-09-01', last_day: '2025-10-31' });
    await storedAgainstEvents('America/New_York');
    expect(await summaryUsers('2025-09-10', '2025-10-09', null)).toEqual(
      await fromEvents('2025-09-10', '2025-10-09', null, 'America/New_York'),
    );
    await countsAgainstDays();
    const rebuilt = await foldedDays();
    expect(rebuilt).toEqual(await foldedFromNothing());
  });
  it("a run holding the days before it probes the history for the key-action days' candidates only", async () => {
    const tz = 'America/New_York';
    // n1 (tenant a) and n3 (no tenant): first key actions on 2025-11-03. n2 (b): an action before the days held, so
    // the day's row of another action has no previous day; the probe finds the earlier one. n4 (a): a row of 08-28
    // left behind in the key-action days (its event deleted without a mark), before the days held: not trusted.
    await insertSourceRows(test.dataSource, {
      activation: [
        ['a', 'n1', 'file_upload', '2025-11-03T15:00:00Z'],
        ['b', 'n2', 'report_generate', '2025-08-21T15:00:00Z'],
        ['b', 'n2', 'worklog_create', '2025-11-03T15:00:00Z'],
        [null, 'n3', 'file_upload', '2025-11-03T16:00:00Z'],
        ['a', 'n4', 'report_generate', '2025-08-28T15:00:00Z'],
        ['a', 'n4', 'report_generate', '2025-11-03T17:00:00Z'],
      ],
    });
    await range('2025-08-28', '2025-08-28');
    await test.dataSource.query(
      `DELETE FROM system_activation_event WHERE user_id = 'n4' AND occurred_at < '2025-09-01'`,
    );
    expect(await coverage()).toEqual({ timezone: tz, first_day: '2025-09-01', last_day: '2025-10-31' });
    await range('2025-11-01', '2025-11-02');
    await range('2025-11-03', '2025-11-03');
    expect(await coverage()).toEqual({ timezone: tz, first_day: '2025-09-01', last_day: '2025-11-03' });

    // Each scope's users whose first configured key action ever lies on the day, from the events.
    const firstOnDay = await test.dataSource.query<{ scope: string; users: number }[]>(
      `SELECT CASE WHEN grouping(tenant_id) = 1 THEN 'global' ELSE tenant_id END AS scope, count(*)::int AS users
       FROM (SELECT tenant_id, user_id, min(occurred_at) AS first_at FROM system_activation_event
             WHERE action = ANY($1::text[]) GROUP BY 1, 2) AS firsts
       WHERE (first_at AT TIME ZONE $2)::date = '2025-11-03'
       GROUP BY GROUPING SETS ((tenant_id), ()) HAVING grouping(tenant_id) = 1 OR tenant_id IS NOT NULL`,
      [ACTIONS, tz],
    );
    expect(Object.fromEntries(firstOnDay.map((row) => [row.scope, row.users]))).toEqual({ a: 2, global: 3 });
    const stored = await test.dataSource.query<{ scope: string; activated_users: number }[]>(
      `SELECT coalesce(tenant_id, 'global') AS scope, activated_users FROM system_metrics_snapshot
       WHERE bucket_type = 'daily' AND bucket_date = '2025-11-03' ORDER BY 1`,
    );
    expect(stored).toEqual([
      { scope: 'a', activated_users: 2 },
      { scope: 'b', activated_users: 0 },
      { scope: 'global', activated_users: 3 },
    ]);
  });
});
