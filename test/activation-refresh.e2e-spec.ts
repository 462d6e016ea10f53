import { MetricsService } from '@exec-metrics/metrics';
import { call, createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows, type SourceRows } from './support/source-rows.js';

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const morningAfter = (date: string) => new Date(`${nextDay(date)}T06:00:00Z`);

/**
 * The activation of the 7 days before a run's first, refreshed by the run (docs/performance.md, "Activation refreshed
 * by each run"): nightly runs, each after its day's rows arrived, give every snapshot (days, weeks, months) a full
 * recompute gives; a day's activation rate shows the night its 7 days are over, with no key action that night; a key
 * action marks no day before its own.
 *
 * The key action is report_generate (the default configuration's). Tenant a: u1 and u2 sign up on Tuesday 01-06, activated on 01-09 and 01-13 (6 days 23 hours after), u3 on 01-07, its
 * key action 8 days later (not activated); u1 signs up again on 01-14 (not a first signup); u4 on 01-20, whose key
 * action arrives late. b: v1 on Monday 01-12, activated on 01-18. No tenant: x1 on 01-08, activated on 01-10.
 */
const ROWS_BY_DAY: Record<string, SourceRows> = {
  // Both tenants are seen before the nights, so a full recompute gives them the same days as the runs did.
  '2026-01-02': {
    activity: [
      ['a', 'w1', '2026-01-02T10:00:00Z'],
      ['b', 'w2', '2026-01-02T10:00:00Z'],
    ],
  },
  '2026-01-06': {
    lifecycle: [
      ['a', 'u1', 'signup', '2026-01-06T10:00:00Z'],
      ['a', 'u2', 'signup', '2026-01-06T12:00:00Z'],
    ],
  },
  '2026-01-07': { lifecycle: [['a', 'u3', 'signup', '2026-01-07T09:00:00Z']] },
  '2026-01-08': { lifecycle: [[null, 'x1', 'signup', '2026-01-08T09:00:00Z']] },
  '2026-01-09': { activation: [['a', 'u1', 'report_generate', '2026-01-09T10:00:00Z']] },
  '2026-01-10': { activation: [[null, 'x1', 'report_generate', '2026-01-10T09:00:00Z']] },
  '2026-01-12': { lifecycle: [['b', 'v1', 'signup', '2026-01-12T08:00:00Z']] },
  '2026-01-13': { activation: [['a', 'u2', 'report_generate', '2026-01-13T11:00:00Z']] },
  '2026-01-14': { lifecycle: [['a', 'u1', 'signup', '2026-01-14T10:00:00Z']] },
  '2026-01-15': { activation: [['a', 'u3', 'report_generate', '2026-01-15T10:00:00Z']] },
  '2026-01-18': { activation: [['b', 'v1', 'report_generate', '2026-01-18T08:00:00Z']] },
  '2026-01-20': { lifecycle: [['a', 'u4', 'signup', '2026-01-20T09:00:00Z']] },
};
const FIRST_NIGHT = '2026-01-06';
const LAST_NIGHT = '2026-01-22';

describe('activation: each run refreshes the 7 days before its own', () => {
  let test: TestApp;
  let metrics: MetricsService;

  /** Every snapshot row (its metrics, without ids and computation times), in one order. */
  const snapshotRows = (query: (sql: string) => Promise<{ row: string }[]>) =>
    query(`SELECT (to_jsonb(s) - 'id' - 'computed_at')::text AS row FROM system_metrics_snapshot s ORDER BY 1`);

  /** The rows as they are, and as a full recompute of the month up to `through` gives them as of `asOf` (rolled back). */
  const expectFullRecompute = async (through: string, asOf: Date) => {
    const kept = await snapshotRows((sql) => test.dataSource.query(sql));
    let recomputed: { row: string }[] = [];
    await metrics.computeRange({
      start: '2026-01-01',
      end: through,
      asOf,
      inspectThenRollBack: async (manager) => {
        recomputed = await snapshotRows((sql) => manager.query(sql));
      },
    });
    expect(kept.map((row) => row.row)).toEqual(recomputed.map((row) => row.row));
  };

  const activation = async (bucket: string, date: string, tenant: string | null) => {
    const [row] = await test.dataSource.query<{ activated: number; rate: string | null }[]>(
      `SELECT signups_activated_7d::int AS activated, activation_rate::text AS rate FROM system_metrics_snapshot
       WHERE bucket_type = $1 AND bucket_date = $2 AND tenant_id IS NOT DISTINCT FROM $3`,
      [bucket, date, tenant],
    );
    return row;
  };

  beforeAll(async () => {
    test = await createTestApp();
    metrics = test.app.get(MetricsService);
    await insertSourceRows(test.dataSource, ROWS_BY_DAY['2026-01-02']);
    await metrics.computeRange({ start: '2026-01-01', end: '2026-01-05', asOf: morningAfter('2026-01-05') });
  });

  afterAll(() => test.close());

  it('nightly runs, each after its day arrived, equal a full recompute; a rate shows when its 7 days are over', async () => {
    for (let night = FIRST_NIGHT; night <= LAST_NIGHT; night = nextDay(night)) {
      await insertSourceRows(test.dataSource, ROWS_BY_DAY[night] ?? {});
      await metrics.computeRange({ start: night, end: night, asOf: morningAfter(night) });
      await expectFullRecompute(night, morningAfter(night));
      if (night === '2026-01-12') {
        // 01-06's two signups: u1 activated, u2 not yet (its key action comes on 01-13); the rate not shown yet.
        expect(await activation('daily', '2026-01-06', 'a')).toEqual({ activated: 1, rate: null });
      }
      if (night === '2026-01-13') {
        // The night of 01-13 (its day's key action) activates u2 of 01-06, and 01-06's 7 days are over: 2 of 2.
        expect(await activation('daily', '2026-01-06', 'a')).toEqual({ activated: 2, rate: '100.00' });
        expect(await activation('daily', '2026-01-07', 'a')).toEqual({ activated: 0, rate: null });
      }
      if (night === '2026-01-14') {
        // 01-07's 7 days are over on the night of 01-14, a night without a key action: 0 of 1, shown.
        expect(await activation('daily', '2026-01-07', 'a')).toEqual({ activated: 0, rate: '0.00' });
      }
    }
    // The global view counts the signup of no tenant; a repeated signup is no new activation.
    expect(await activation('daily', '2026-01-08', null)).toEqual({ activated: 1, rate: '100.00' });
    expect(await activation('daily', '2026-01-14', 'a')).toEqual({ activated: 0, rate: '0.00' });
    // The week of 01-05..01-11 showed its rate the night its last day's 7 days were over (01-18), 3 of 4.
    expect(await activation('weekly', '2026-01-05', null)).toEqual({ activated: 3, rate: '75.00' });
    // b's v1 (Monday 01-12) is in the week of 01-12 and January: its key action came 6 days later.
    expect(await activation('weekly', '2026-01-12', 'b')).toEqual({ activated: 1, rate: null });
    expect(await activation('monthly', '2026-01-01', 'b')).toEqual({ activated: 1, rate: null });
  });

  it('a late key action marks its own day on, never the days before; their catch-up refreshes its signups', async () => {
    const late = {
      type: 'activation',
      at: '2026-01-21T15:00:00Z',
      tenant: 'a',
      user: 'u4',
      action: 'report_generate',
    };
    expect((await call(test, 'POST', '/api/system/metrics/events', { body: { events: [late] } })).status).toBe(200);
    const marks = await test.dataSource.query<{ day: string; source: string }[]>(
      `SELECT day::text AS day, source FROM metrics_dirty_day ORDER BY day`,
    );
    expect(marks).toEqual([
      { day: '2026-01-21', source: 'activation' },
      { day: '2026-01-22', source: 'activation' },
    ]);
    expect(await activation('daily', '2026-01-20', 'a')).toEqual({ activated: 0, rate: null });
    // The catch-up computes the marked days, and its run refreshes the 7 days before them: u4 of 01-20 activated.
    await metrics.computeRange({ start: '2026-01-21', end: LAST_NIGHT, asOf: morningAfter(LAST_NIGHT) });
    expect(await activation('daily', '2026-01-20', 'a')).toEqual({ activated: 1, rate: null });
    await expectFullRecompute(LAST_NIGHT, morningAfter(LAST_NIGHT));
  });
});
