import { MetricsService } from '@exec-metrics/metrics';
import { createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows, snapshot } from './support/source-rows.js';

/**
 * Day boundaries in America/New_York: 2025-03-09 is 23 hours long (clocks spring forward at 02:00 EST),
 * 2025-11-02 is 25 hours long (clocks fall back at 02:00 EDT).
 */
describe('snapshot compute in a non-UTC timezone across DST', () => {
  let test: TestApp;
  let metrics: MetricsService;
  const asOf = new Date('2026-01-15T00:00:00Z');

  beforeAll(async () => {
    test = await createTestApp({ metrics: { timezone: 'America/New_York' } });
    metrics = test.app.get(MetricsService);
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['t', 'u1', 'signup', '2025-03-08T15:00:00Z'], // 10:00 EST on 03-08
        ['t', 'u2', 'signup', '2025-03-09T05:30:00Z'], // 00:30 EST on 03-09
      ],
      activity: [
        ['t', 'u1', '2025-03-09T04:30:00Z'], // 23:30 EST on 03-08
        ['t', 'u2', '2025-03-09T06:59:00Z'], // 01:59 EST on 03-09
        ['t', 'u1', '2025-03-10T03:59:00Z'], // 23:59 EDT on 03-09, the last minute of the 23-hour day
        ['t', 'u1', '2025-03-10T04:00:00Z'], // 00:00 EDT on 03-10
      ],
      jobs: [
        ['t', 'succeeded', '2025-11-02T04:29:00Z', '2025-11-02T04:30:00Z'], // 00:30 EDT on 11-02
        ['t', 'succeeded', '2025-11-03T04:29:00Z', '2025-11-03T04:30:00Z'], // 23:30 EST on 11-02, hour 25
        ['t', 'failed', '2025-11-03T04:59:00Z', '2025-11-03T05:00:00Z'], // 00:00 EST on 11-03
      ],
    });
    await metrics.computeRange({ start: '2025-03-01', end: '2025-03-31', asOf });
    await metrics.computeRange({ start: '2025-11-01', end: '2025-11-30', asOf });
  });

  afterAll(() => test.close());

  it('puts events on their local day around the spring-forward day', async () => {
    expect(await snapshot(test.dataSource, 'daily', '2025-03-08', 't')).toMatchObject({ new_customers: 1, dau: 1 });
    expect(await snapshot(test.dataSource, 'daily', '2025-03-09', 't')).toMatchObject({
      new_customers: 1,
      total_customers: 2,
      dau: 2,
      wau: 2,
    });
    expect(await snapshot(test.dataSource, 'daily', '2025-03-10', 't')).toMatchObject({ dau: 1, wau: 2 });
  });

  it('counts the 25-hour fall-back day once, with all of its hours', async () => {
    expect(await snapshot(test.dataSource, 'daily', '2025-11-02', 't')).toMatchObject({
      jobs_total: 2,
      jobs_succeeded: 2,
    });
    expect(await snapshot(test.dataSource, 'daily', '2025-11-03', 't')).toMatchObject({
      jobs_total: 1,
      jobs_failed: 1,
      job_failure_rate: 100,
    });
    const days = await test.dataSource.query(
      `SELECT count(*)::int AS n FROM system_metrics_snapshot
       WHERE bucket_type = 'daily' AND tenant_id = 't' AND bucket_date BETWEEN '2025-11-01' AND '2025-11-30'`,
    );
    expect(days[0].n).toBe(30);
  });

  it('gives a tenant with no data zero counts, null rates, and leaves the global view alone', async () => {
    const globalBefore = await snapshot(test.dataSource, 'daily', '2025-03-09', null);
    await metrics.computeRange({ start: '2025-03-09', end: '2025-03-09', tenant: 'ghost', asOf });
    const ghost = await snapshot(test.dataSource, 'daily', '2025-03-09', 'ghost');
    expect(ghost).toMatchObject({ total_customers: 0, new_customers: 0, dau: 0, mau: 0, jobs_total: 0 });
    expect(ghost!.customer_churn_rate).toBeNull();
    expect(ghost!.stickiness).toBeNull();
    const globalAfter = await snapshot(test.dataSource, 'daily', '2025-03-09', null);
    expect(globalAfter).toEqual(globalBefore);
  });

  it('summarises a range by kind and reports an empty range as nulls', async () => {
    const summary = await metrics.summary({ start: '2025-03-08', end: '2025-03-10', tenant: 't', asOf });
    expect(summary.metrics).toMatchObject({ new_customers: 2, total_customers: 2, mau: 2 });
    expect(summary.metrics.dau).toBeCloseTo(1.33, 2); // (1 + 2 + 1) / 3
    expect(summary.range.days_with_data).toBe(3);
    expect(summary.latest?.bucket_date).toBe('2025-03-10');

    const empty = await metrics.summary({ start: '2024-01-01', end: '2024-01-31', tenant: 't', asOf });
    expect(empty.range.days_with_data).toBe(0);
    expect(empty.metrics.new_customers).toBeNull();
    expect(empty.latest).toBeNull();
    expect(empty.alerts).toEqual([]);
  });
});
