import { CronTime } from 'cron';
import { MetricsScheduler, MetricsService } from '@exec-metrics/metrics';
import { insertSourceRows } from './support/source-rows.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/** The instants at which a cron expression fires in a timezone, from `from` (excluded) to `to`. */
function firings(expression: string, timeZone: string, from: string, to: string): Date[] {
  const time = new CronTime(expression, timeZone);
  const instants: Date[] = [];
  let cursor = new Date(from);
  for (;;) {
    cursor = time.getNextDateFrom(cursor, timeZone).toJSDate();
    if (cursor > new Date(to)) return instants;
    instants.push(cursor);
  }
}

async function runsByDay(test: TestApp, trigger: string): Promise<Record<string, number>> {
  const rows = await test.dataSource.query<{ day: string; n: number }[]>(
    `SELECT d::date::text AS day, count(*)::int AS n FROM metrics_run r,
       generate_series(r.start_date, r.end_date, interval '1 day') AS d
     WHERE r.status = 'succeeded' AND r.trigger = $1 GROUP BY d ORDER BY d`,
    [trigger],
  );
  return Object.fromEntries(rows.map((row) => [row.day, row.n]));
}

describe('the daily schedule in America/New_York', () => {
  let test: TestApp;
  let scheduler: MetricsScheduler;

  beforeAll(async () => {
    test = await createTestApp({
      // Alerts are evaluated after each of the ~250 daily runs here: not what this file tests.
      metrics: { timezone: 'America/New_York', alerts: { enabled: false } },
    });
    scheduler = test.app.get(MetricsScheduler);
    await insertSourceRows(test.dataSource, {
      lifecycle: [['t', 'u1', 'signup', '2025-02-20T15:00:00Z']],
      activity: [
        ['t', 'u1', '2025-03-09T04:30:00Z'],
        ['t', 'u1', '2025-11-02T05:30:00Z'],
      ],
    });
    // The history before the first tick is computed once, as a backfill would.
    const backfill = await call(test, 'POST', '/api/system/metrics/backfill', {
      body: { start: '2025-02-20', end: '2025-02-28' },
    });
    await test.app.get(MetricsService).waitForRun((backfill.body as { run_id: string }).run_id);
  });

  afterAll(() => test.close());

  it('covers each local day exactly once across both DST changes', async () => {
    // 01:00 local every day from 1 March to 10 November: spring forward (9 March) and fall back (2 November).
    const ticks = firings('0 1 * * *', 'America/New_York', '2025-03-01T00:00:00-05:00', '2025-11-10T12:00:00-05:00');
    expect(ticks[0].toISOString()).toBe('2025-03-01T06:00:00.000Z'); // EST
    expect(ticks.find((tick) => tick.toISOString().startsWith('2025-03-10'))!.toISOString()).toBe(
      '2025-03-10T05:00:00.000Z',
    );
    for (const tick of ticks) await scheduler.runDaily(tick);

    const computed = await runsByDay(test, 'cron');
    const expected: Record<string, number> = {};
    for (
      let day = new Date('2025-02-28T00:00:00Z');
      day < new Date('2025-11-10T00:00:00Z');
      day.setUTCDate(day.getUTCDate() + 1)
    ) {
      expected[day.toISOString().slice(0, 10)] = 1;
    }
    expect(computed).toEqual(expected);
    const [catchUps] = await test.dataSource.query(
      `SELECT count(*)::int AS n FROM metrics_run WHERE trigger = 'catch_up'`,
    );
    expect(catchUps.n).toBe(0);
  }, 180_000);

  it('fills exactly the missing days after a 5-day outage', async () => {
    // Ticks of 11..15 November never fired; the one of 16 November catches up 10..14, then computes 15 November
    // (its eve from the 14th, computed first).
    const runs = await scheduler.runDaily(new Date('2025-11-16T06:00:00Z'));
    expect(runs.map((run) => [run.trigger, run.start, run.end, run.status])).toEqual([
      ['catch_up', '2025-11-10', '2025-11-14', 'succeeded'],
      ['cron', '2025-11-15', '2025-11-15', 'succeeded'],
    ]);
    const again = await scheduler.runDaily(new Date('2025-11-16T06:00:00Z'));
    expect(again).toEqual([]); // the same tick twice computes nothing twice
  });

  it('recomputes the days a late event reaches (a login counts in WAU and MAU for 29 more days)', async () => {
    const before = await test.dataSource.query(
      `SELECT dau::float8 AS dau FROM system_metrics_snapshot WHERE bucket_type = 'daily' AND tenant_id = 't' AND bucket_date = '2025-11-05'`,
    );
    expect(before[0].dau).toBe(0);
    const late = { type: 'login', at: '2025-11-05T15:00:00Z', tenant: 't', user: 'u1' };
    expect((await call(test, 'POST', '/api/system/metrics/events', { body: { events: [late] } })).status).toBe(200);
    const dirty = await test.dataSource.query(
      `SELECT min(day)::text AS first, max(day)::text AS last FROM metrics_dirty_day`,
    );
    expect(dirty).toEqual([{ first: '2025-11-05', last: '2025-11-15' }]); // every computed day it reaches
    const runs = await scheduler.runDaily(new Date('2025-11-17T06:00:00Z'));
    expect(runs.map((run) => [run.trigger, run.start, run.end])).toEqual([
      ['catch_up', '2025-11-05', '2025-11-15'],
      ['cron', '2025-11-16', '2025-11-16'],
    ]);
    const after = await test.dataSource.query(
      `SELECT dau::float8 AS dau FROM system_metrics_snapshot WHERE bucket_type = 'daily' AND tenant_id = 't' AND bucket_date = '2025-11-05'`,
    );
    expect(after[0].dau).toBe(1);
    const wau = await test.dataSource.query(
      `SELECT bucket_date::text AS day, wau::float8 AS wau FROM system_metrics_snapshot
       WHERE bucket_type = 'daily' AND tenant_id = 't' AND bucket_date IN ('2025-11-11', '2025-11-12') ORDER BY 1`,
    );
    expect(wau.map((row: { wau: number }) => row.wau)).toEqual([1, 0]); // 11-05..11-11 is the last window with it
    expect(await test.dataSource.query(`SELECT * FROM metrics_dirty_day`)).toEqual([]);
  });
});
