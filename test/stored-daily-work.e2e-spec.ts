import { jest } from '@jest/globals';
import { MetricsService } from '@exec-metrics/metrics';
import { StoredDailyWorkRepository } from '../libs/metrics/src/repositories/stored-daily-work.repository.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows } from './support/source-rows.js';

/**
 * The stored daily work (docs/performance.md, "Stored daily work"): a one-day run takes the days of its week and
 * month before its own from the store when they are exact (same inputs, complete when computed, not waiting to be
 * recomputed, the same scopes), and computes its whole work range otherwise; either way its rows equal a full
 * recompute. A stored value altered by hand shows where it was read, and only there.
 *
 * Tenant a: signups, activity, key actions and jobs through January 2026; b: activity (two users of it leave MAU
 * during the nightly runs); x1: activity of no tenant.
 * Billing (the ledger, entered directly): a's two customers expand and cancel in late January, b's pays the same all
 * along, and a customer of no tenant goes past due. With the stored eve a one-day run reads the ledger of the
 * customers moving that day only and the lookback of the users whose WAU or MAU changes that day only, and takes every
 * stock's eve (billing, WAU, MAU) from the stored day before.
 */
describe('stored daily work: one-day runs roll their week and month up from stored days', () => {
  let test: TestApp;
  let metrics: MetricsService;
  const asOf = new Date('2026-02-10T06:00:00Z');
  const day = async (date: string, at = asOf) => metrics.computeRange({ start: date, end: date, asOf: at });
  const range = async (start: string, end: string) => metrics.computeRange({ start, end, asOf });

  const computedRows = async () =>
    test.dataSource.query<{ row: string }[]>(
      `SELECT (to_jsonb(s) - 'id' - 'computed_at')::text AS row FROM system_metrics_snapshot s
       UNION ALL SELECT (to_jsonb(c) - 'id' - 'computed_at' - 'computed_as_of' - 'computed_inputs')::text
       FROM system_cohort_retention c
       ORDER BY 1`,
    );

  const januaryJobs = async (tenant: string) => {
    const [row] = await test.dataSource.query<{ jobs_total: string }[]>(
      `SELECT jobs_total FROM system_metrics_snapshot
       WHERE bucket_type = 'monthly' AND bucket_date = '2026-01-01' AND tenant_id = $1`,
      [tenant],
    );
    return Number(row.jobs_total);
  };

  /** A stored day's jobs for tenant a set by hand: a run that reads it shows the change in its month's total. */
  const alterStoredJobs = async (date: string, jobs: number) =>
    test.dataSource.query(
      `UPDATE metrics_daily_work SET work = jsonb_set(work, '{jobs_total}', to_jsonb($2::int))
       WHERE day = $1 AND tenant_id = 'a'`,
      [date, jobs],
    );

  const storedDays = async () =>
    (
      await test.dataSource.query<{ day: string }[]>(
        `SELECT DISTINCT day::text FROM metrics_daily_work WHERE is_global ORDER BY 1`,
      )
    ).map((row) => row.day);

  /** Ledger rows [customer, tenant, subscription, effective_at, status, mrr], each customer created on first use. */
  const insertLedger = async (rows: [string, string | null, string, string, string, number][]) => {
    for (const [customer, tenant, subscription, at, status, mrr] of rows) {
      await test.dataSource.query(
        `INSERT INTO metrics_billing_customer (id, tenant_id, source) VALUES ($1, $2, 'manual') ON CONFLICT DO NOTHING`,
        [customer, tenant],
      );
      await test.dataSource.query(
        `INSERT INTO metrics_revenue_ledger (customer_id, subscription_id, effective_at, seq, status, currency, mrr, cause)
         VALUES ($1, $2, $3, 1, $4, 'USD', $5, 'test')`,
        [customer, subscription, at, status, mrr],
      );
    }
  };

  const monthly = async (column: string, tenant: string | null, month = '2026-01-01') => {
    const [row] = await test.dataSource.query<Record<string, string>[]>(
      `SELECT ${column} AS value FROM system_metrics_snapshot
       WHERE bucket_type = 'monthly' AND bucket_date = $1 AND tenant_id IS NOT DISTINCT FROM $2`,
      [month, tenant],
    );
    return Number(row.value);
  };

  beforeAll(async () => {
    test = await createTestApp();
    metrics = test.app.get(MetricsService);
    await insertLedger([
      ['cus_a1', 'a', 'sub_a1', '2025-12-05T10:00:00Z', 'active', 100],
      ['cus_a1', 'a', 'sub_a1', '2026-01-27T10:00:00Z', 'active', 150],
      // A change on the day after another: the 01-28 run's eve holds the one of 01-27, which must not count twice.
      ['cus_a1', 'a', 'sub_a1', '2026-01-28T10:00:00Z', 'active', 160],
      ['cus_a2', 'a', 'sub_a2', '2026-01-10T10:00:00Z', 'active', 50],
      ['cus_a2', 'a', 'sub_a2', '2026-01-29T10:00:00Z', 'canceled', 0],
      ['cus_b1', 'b', 'sub_b1', '2025-12-20T10:00:00Z', 'active', 30],
      ['cus_x1', null, 'sub_x1', '2025-11-15T10:00:00Z', 'active', 20],
      ['cus_x1', null, 'sub_x1', '2026-01-28T10:00:00Z', 'past_due', 20],
    ]);
    const jobs: [string, 'succeeded' | 'failed', string, string][] = [];
    for (let date = 1; date <= 31; date += 1) {
      const at = `2026-01-${String(date).padStart(2, '0')}T1`;
      jobs.push(['a', date % 5 === 0 ? 'failed' : 'succeeded', `${at}0:00:00Z`, `${at}0:05:00Z`]);
    }
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['a', 'u1', 'signup', '2025-12-01T09:00:00Z'],
        ['a', 'u2', 'signup', '2026-01-05T09:00:00Z'],
        ['b', 'v1', 'signup', '2025-12-10T09:00:00Z'],
      ],
      activity: [
        ['a', 'u1', '2025-12-01T10:00:00Z'],
        ['a', 'u1', '2026-01-02T10:00:00Z'],
        ['a', 'u1', '2026-01-20T10:00:00Z'],
        ['a', 'u2', '2026-01-05T10:00:00Z'],
        ['a', 'u2', '2026-01-21T10:00:00Z'],
        ['a', 'u2', '2026-01-28T10:00:00Z'],
        ['b', 'v1', '2025-12-10T10:00:00Z'],
        ['b', 'v1', '2026-01-12T10:00:00Z'],
        ['b', 'v1', '2026-01-26T10:00:00Z'],
        // Leaving MAU during the nightly runs below: v2 on 01-28 (last active 30 days before), v3 on 02-01 from its
        // second yearly row (its 2025 row's last day closes nothing).
        ['b', 'v2', '2025-12-29T10:00:00Z'],
        ['b', 'v3', '2025-12-30T10:00:00Z'],
        ['b', 'v3', '2026-01-02T10:00:00Z'],
        [null, 'x1', '2026-01-03T12:00:00Z'],
        [null, 'x1', '2026-01-27T12:00:00Z'],
      ],
      activation: [
        ['a', 'u2', 'created_project', '2026-01-06T10:00:00Z'],
        ['a', 'u1', 'created_project', '2026-01-22T10:00:00Z'],
      ],
      jobs,
    });
  });

  afterAll(() => test.close());

  it('a one-day run reads the days before it from the store, and a dirty day makes it compute them', async () => {
    await range('2025-11-01', '2026-01-20');
    // The backfill kept the complete days of its work range (to January's end: its as_of is in February) from 62
    // days before its last day, and the store keeps 62 days before its latest: from 11-30 on.
    const stored = await storedDays();
    expect([stored[0], stored[stored.length - 1]]).toEqual(['2025-11-30', '2026-01-31']);
    await alterStoredJobs('2026-01-10', 1000);
    await day('2026-01-21');
    expect(await januaryJobs('a')).toBe(31 + 999);

    // A late job for 01-10 marks it for the jobs only: a job is a flow of its own day, and no running total of a
    // later day's eve is taken from the store for it, so the run still rolls the month up from the stored 01-10.
    // The catch-up recomputes 01-10 with its week and month.
    await test.dataSource.query(`INSERT INTO metrics_dirty_day (day, source) VALUES ('2026-01-10', 'jobs')`);
    await day('2026-01-21');
    expect(await januaryJobs('a')).toBe(31 + 999);
    await day('2026-01-10');
    expect(await januaryJobs('a')).toBe(31);
    await alterStoredJobs('2026-01-10', 1000);

    // A late login for 01-10 marks it for the activity, whose WAU and MAU a later day's eve takes from the store:
    // the run computes the whole month again (and stores the day as it is).
    await test.dataSource.query(`INSERT INTO metrics_dirty_day (day, source) VALUES ('2026-01-10', 'activity')`);
    await day('2026-01-21');
    expect(await januaryJobs('a')).toBe(31);
    await test.dataSource.query('DELETE FROM metrics_dirty_day');
  });

  it('a configuration change, or a stored day computed before it was over, is not read', async () => {
    await alterStoredJobs('2026-01-10', 1000);
    await test.dataSource.query(`UPDATE system_metrics_config SET monthly_burn_rate = 12345`);
    await day('2026-01-22');
    expect(await januaryJobs('a')).toBe(31);

    // 01-23 computed during 01-23: it is not stored, so the next day's run cannot take it from the store.
    await day('2026-01-23', new Date('2026-01-23T15:00:00Z'));
    expect(await storedDays()).toContain('2026-01-22');
    await test.dataSource.query(`DELETE FROM metrics_daily_work WHERE day = '2026-01-23'`);
    await day('2026-01-23', new Date('2026-01-23T15:00:00Z'));
    expect(await storedDays()).not.toContain('2026-01-23');
    await alterStoredJobs('2026-01-10', 1000);
    await day('2026-01-24');
    expect(await januaryJobs('a')).toBe(31);
  });

  it('a tenant whose only facts lie before the run’s first day keeps the whole work range computed', async () => {
    // Tenant c: AI usage on 01-04 only, no user and no stock. A run for 01-25 alone would not see it.
    await insertSourceRows(test.dataSource, { ai: [['c', 'gpt-test', 100, 50, '0.25', '2026-01-04T10:00:00Z']] });
    await range('2026-01-04', '2026-01-24');
    await alterStoredJobs('2026-01-10', 1000);
    await day('2026-01-25');
    expect(await januaryJobs('a')).toBe(31);
    const [c] = await test.dataSource.query<{ ai_cost_usd: string }[]>(
      `SELECT ai_cost_usd FROM system_metrics_snapshot
       WHERE bucket_type = 'monthly' AND bucket_date = '2026-01-01' AND tenant_id = 'c'`,
    );
    expect(Number(c.ai_cost_usd)).toBe(0.25);
  });

  it('each nightly run, through a new tenant and the month end, equals the same run with nothing stored', async () => {
    // Without tenant c (the test before: its AI usage alone would keep every January run computing its whole month).
    await test.dataSource.query(`DELETE FROM metrics_ai_usage_event WHERE tenant_id = 'c'`);
    await range('2025-11-01', '2026-01-25');
    const restored = jest.spyOn(test.app.get(StoredDailyWorkRepository), 'restoreWork');
    for (const date of [
      '2026-01-26',
      '2026-01-27',
      '2026-01-28',
      '2026-01-29',
      '2026-01-30',
      '2026-01-31',
      '2026-02-01',
    ]) {
      // Each run the next morning, as the schedule runs it: the work range ends today, which is not stored.
      const nextMorning = new Date(Date.parse(`${date}T06:00:00Z`) + 86_400_000);
      if (date === '2026-01-27') {
        // A tenant new that day: the stored days have no row of it, so this run computes its whole month.
        await insertSourceRows(test.dataSource, {
          lifecycle: [['d', 'w1', 'signup', '2026-01-27T09:00:00Z']],
          activity: [['d', 'w1', '2026-01-27T10:00:00Z']],
        });
      }
      await day(date, nextMorning);
      const fromStore = await computedRows();
      await test.dataSource.query('TRUNCATE metrics_daily_work');
      await day(date, nextMorning);
      expect(fromStore).toEqual(await computedRows());
    }
    // Every first run but the new tenant's took its earlier days from the store (02-01's: its week's, from 01-26).
    expect(restored).toHaveBeenCalledTimes(6);
    restored.mockRestore();
    // The ledger's movements, as the month and the stocks at its end show them.
    expect(await monthly('mrr', 'a')).toBe(160);
    expect(await monthly('mrr_expansion', 'a')).toBe(60);
    expect(await monthly('mrr_churn', 'a')).toBe(50);
    expect(await monthly('mrr', null)).toBe(210);
    expect(await monthly('stripe_past_due', null)).toBe(1);
  });

  const daily = async (column: string, tenant: string, date: string) => {
    const [row] = await test.dataSource.query<Record<string, string>[]>(
      `SELECT ${column} AS value FROM system_metrics_snapshot
       WHERE bucket_type = 'daily' AND bucket_date = $1 AND tenant_id = $2`,
      [date, tenant],
    );
    return Number(row.value);
  };

  it('a one-day run takes WAU and MAU on its eve from the stored day, and only there', async () => {
    await range('2025-11-01', '2026-01-25');
    const [wau, mau] = [await daily('wau', 'a', '2026-01-26'), await daily('mau', 'a', '2026-01-26')];
    await test.dataSource.query(
      `UPDATE metrics_daily_work SET work = work || jsonb_build_object('wau', (work ->> 'wau')::int + 100,
                                                                       'mau', (work ->> 'mau')::int + 1000)
       WHERE day = '2026-01-25' AND tenant_id = 'a' AND NOT is_global`,
    );
    await day('2026-01-26', new Date('2026-01-27T06:00:00Z'));
    expect([await daily('wau', 'a', '2026-01-26'), await daily('mau', 'a', '2026-01-26')]).toEqual([
      wau + 100,
      mau + 1000,
    ]);
    await range('2025-11-01', '2026-01-25');
    await day('2026-01-26', new Date('2026-01-27T06:00:00Z'));
    expect([await daily('wau', 'a', '2026-01-26'), await daily('mau', 'a', '2026-01-26')]).toEqual([wau, mau]);
  });

  it('a one-day run sums its week’s and month’s active users over the stored days, and only there', async () => {
    const weekly = async (column: string, tenant: string, week: string) => {
      const [row] = await test.dataSource.query<Record<string, string>[]>(
        `SELECT ${column} AS value FROM system_metrics_snapshot
         WHERE bucket_type = 'weekly' AND bucket_date = $1 AND tenant_id = $2`,
        [week, tenant],
      );
      return Number(row.value);
    };
    const usersOfWeekAndMonth = async () => [await weekly('wau', 'a', '2026-01-26'), await monthly('mau', 'a')];
    const nightOf27th = () => day('2026-01-27', new Date('2026-01-28T06:00:00Z'));
    await range('2025-11-01', '2026-01-26');
    await nightOf27th();
    // u1 and u2 in January; u2 alone in the week of Monday 01-26 (on the 28th, which the run reads to date).
    expect(await usersOfWeekAndMonth()).toEqual([1, 2]);

    await range('2025-11-01', '2026-01-26');
    await test.dataSource.query(
      `UPDATE metrics_daily_work
       SET work = work || jsonb_build_object('week_first_users', (work ->> 'week_first_users')::int + 100,
                                             'month_first_users', (work ->> 'month_first_users')::int + 1000)
       WHERE day = '2026-01-26' AND tenant_id = 'a' AND NOT is_global`,
    );
    await nightOf27th();
    expect(await usersOfWeekAndMonth()).toEqual([101, 1002]);
    await range('2025-11-01', '2026-01-26');
    await nightOf27th();
    expect(await usersOfWeekAndMonth()).toEqual([1, 2]);
  });

  it('a one-day run takes the billing stocks of its eve from the stored day, and only there', async () => {
    await range('2025-11-01', '2026-01-25');
    // b's MRR on the stored 01-25 raised by hand: the 01-26 run's stocks start from it, for b alone (the global
    // view's own stored value stays, and the rest of it is of no tenant). The month is shown to its run's as_of, 01-27:
    // a's 150 + 50, b's 30 and 20 of no tenant.
    await test.dataSource.query(
      `UPDATE metrics_daily_work SET work = jsonb_set(work, '{mrr}', to_jsonb(1030))
       WHERE day = '2026-01-25' AND tenant_id = 'b' AND NOT is_global`,
    );
    await day('2026-01-26', new Date('2026-01-27T06:00:00Z'));
    expect(await monthly('mrr', 'b')).toBe(1030);
    expect(await monthly('mrr', null)).toBe(250);
    // Not from a stored day that is not the eve: the day before it changes nothing.
    await range('2025-11-01', '2026-01-25');
    await test.dataSource.query(
      `UPDATE metrics_daily_work SET work = jsonb_set(work, '{mrr}', to_jsonb(1030))
       WHERE day = '2026-01-24' AND tenant_id = 'b' AND NOT is_global`,
    );
    await day('2026-01-26', new Date('2026-01-27T06:00:00Z'));
    expect(await monthly('mrr', 'b')).toBe(30);
  });

  it('a one-day run takes its users and all signups to date on its eve from the stored day, and only there', async () => {
    const stocks = async () => [
      await daily('total_customers', 'a', '2026-01-26'),
      await daily('signups_total', 'a', '2026-01-26'),
    ];
    const raiseStored = (storedDay: string) =>
      test.dataSource.query(
        `UPDATE metrics_daily_work
         SET work = work || jsonb_build_object('total_customers', (work ->> 'total_customers')::int + 100,
                                               'signups_total', (work ->> 'signups_total')::int + 1000)
         WHERE day = $1 AND tenant_id = 'a' AND NOT is_global`,
        [storedDay],
      );
    await range('2025-11-01', '2026-01-25');
    await day('2026-01-26', new Date('2026-01-27T06:00:00Z'));
    const [users, signups] = await stocks();
    expect(users).toBeGreaterThan(0);
    // a's stocks on the stored 01-25 raised by hand: the 01-26 run's start from them.
    await range('2025-11-01', '2026-01-25');
    await raiseStored('2026-01-25');
    await day('2026-01-26', new Date('2026-01-27T06:00:00Z'));
    expect(await stocks()).toEqual([users + 100, signups + 1000]);
    // Not from a stored day that is not the eve: the day before it changes nothing.
    await range('2025-11-01', '2026-01-25');
    await raiseStored('2026-01-24');
    await day('2026-01-26', new Date('2026-01-27T06:00:00Z'));
    expect(await stocks()).toEqual([users, signups]);
  });

  it('a tenant whose stocks are all zero on the eve keeps the whole work range computed from the history', async () => {
    // Tenant e: one customer who paid in December and canceled; nothing else. The stored eve gives it no row, so
    // its scope would be missing from the run's own days: the run computes its whole month, as with nothing stored.
    await insertLedger([
      ['cus_e1', 'e', 'sub_e1', '2025-12-01T10:00:00Z', 'active', 10],
      ['cus_e1', 'e', 'sub_e1', '2025-12-15T10:00:00Z', 'canceled', 0],
    ]);
    await range('2025-11-01', '2026-01-25');
    const restored = jest.spyOn(test.app.get(StoredDailyWorkRepository), 'restoreWork');
    await day('2026-01-26', new Date('2026-01-27T06:00:00Z'));
    expect(restored).not.toHaveBeenCalled();
    restored.mockRestore();
    const fromStore = await computedRows();
    await test.dataSource.query('TRUNCATE metrics_daily_work');
    await day('2026-01-26', new Date('2026-01-27T06:00:00Z'));
    expect(fromStore).toEqual(await computedRows());
    expect(await monthly('mrr_churn', 'e', '2025-12-01')).toBe(10);
  });
});
