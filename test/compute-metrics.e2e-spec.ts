import { MetricsService } from '@exec-metrics/metrics';
import { createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows, snapshot } from './support/source-rows.js';

/**
 * Every metric family checked against values computed by hand from a small dataset (UTC).
 * Tenant a: u1, u2 sign up on 03-01, u3 on 03-02; u2 is deactivated on 03-03 and reactivated on 03-05.
 * Tenant b: its own u1 (a different user from a's u1) signs up and logs in on 03-01.
 */
describe('snapshot compute (hand-computed dataset, UTC)', () => {
  let test: TestApp;
  let metrics: MetricsService;
  const asOf = new Date('2025-06-01T00:00:00Z');

  beforeAll(async () => {
    test = await createTestApp();
    metrics = test.app.get(MetricsService);
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['a', 'u1', 'signup', '2025-03-01T10:00:00Z'],
        ['a', 'u2', 'signup', '2025-03-01T15:00:00Z'],
        ['a', 'u3', 'signup', '2025-03-02T09:00:00Z'],
        ['a', 'u2', 'deactivate', '2025-03-03T12:00:00Z'],
        ['a', 'u2', 'reactivate', '2025-03-05T08:00:00Z'],
        ['a', 'u1', 'trial_started', '2025-03-01T10:05:00Z'],
        ['a', 'u3', 'trial_started', '2025-03-02T09:05:00Z'],
        ['a', 'u1', 'trial_converted', '2025-03-09T10:00:00Z'],
        ['b', 'u1', 'signup', '2025-03-01T11:00:00Z'],
      ],
      activity: [
        ['a', 'u1', '2025-03-01T10:01:00Z'],
        ['a', 'u1', '2025-03-02T10:00:00Z'],
        ['a', 'u1', '2025-03-08T10:00:00Z'],
        ['a', 'u2', '2025-03-01T15:01:00Z'],
        ['a', 'u3', '2025-03-02T09:01:00Z'],
        ['a', 'u3', '2025-03-02T17:00:00Z'],
        ['a', 'u3', '2025-03-10T09:00:00Z'],
        ['b', 'u1', '2025-03-01T11:01:00Z'],
      ],
      activation: [
        ['a', 'u1', 'file_upload', '2025-03-02T10:30:00Z'],
        ['a', 'u1', 'worklog_create', '2025-03-03T10:30:00Z'],
        ['a', 'u3', 'report_generate', '2025-03-12T10:30:00Z'],
      ],
      jobs: [
        ['a', 'succeeded', '2025-03-02T12:00:00Z', '2025-03-02T12:01:00Z'],
        ['a', 'failed', '2025-03-02T13:00:00Z', '2025-03-02T13:00:30Z'],
        ['a', 'succeeded', '2025-03-03T13:00:00Z', '2025-03-03T13:00:10Z'],
      ],
      ai: [
        ['a', 'm1', 100, 50, '0.0015', '2025-03-02T12:00:00Z'],
        ['a', 'm2', 10, 10, '0.0002', '2025-03-02T12:30:00Z'],
      ],
      // 3 requests on 03-02: 10 ms (200), 20 ms (404), 100 ms (500); histogram bucket 3 is [10, 25), bucket 7 [100, 150).
      api: [['a', '2025-03-02T12:00:00Z', 3, 1, 1, 130, [0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]],
    });
    await metrics.computeRange({ start: '2025-03-01', end: '2025-03-31', asOf });
  });

  afterAll(() => test.close());

  it('counts users, signups and churn per tenant and globally', async () => {
    const a1 = await snapshot(test.dataSource, 'daily', '2025-03-01', 'a');
    expect(a1).toMatchObject({ new_customers: 2, total_customers: 2, signups_total: 2, churned_customers: 0 });
    expect(a1!.customer_churn_rate).toBeNull(); // no customers the day before: denominator 0

    const a3 = await snapshot(test.dataSource, 'daily', '2025-03-03', 'a');
    expect(a3).toMatchObject({
      churned_customers: 1,
      total_customers: 2,
      customers_at_start: 3,
      customer_churn_rate: 33.33,
    });

    const a5 = await snapshot(test.dataSource, 'daily', '2025-03-05', 'a');
    expect(a5).toMatchObject({ reactivated_customers: 1, total_customers: 3, signups_total: 3 });

    const global1 = await snapshot(test.dataSource, 'daily', '2025-03-01', null);
    expect(global1).toMatchObject({ new_customers: 3, total_customers: 3, dau: 3 });
    const b31 = await snapshot(test.dataSource, 'daily', '2025-03-31', 'b');
    expect(b31).toMatchObject({ total_customers: 1, new_customers: 0, dau: 0, wau: 0, mau: 0 }); // b's u1 was last active on 03-01
  });

  it('counts DAU, WAU, MAU and stickiness over rolling windows', async () => {
    const a2 = await snapshot(test.dataSource, 'daily', '2025-03-02', 'a');
    expect(a2).toMatchObject({ dau: 2, wau: 3, mau: 3, stickiness: 66.67 });
    const a8 = await snapshot(test.dataSource, 'daily', '2025-03-08', 'a');
    expect(a8).toMatchObject({ dau: 1, wau: 2, mau: 3 }); // 7-day window [03-02, 03-08]: u1 and u3 (03-02)
    const a9 = await snapshot(test.dataSource, 'daily', '2025-03-09', 'a');
    expect(a9).toMatchObject({ dau: 0, wau: 1, mau: 3, stickiness: 0 });
    const a31 = await snapshot(test.dataSource, 'daily', '2025-03-31', 'a');
    expect(a31).toMatchObject({ wau: 0, mau: 2 }); // [03-02, 03-31]: u1 (03-02, 03-08), u3 (03-02, 03-10)
  });

  it('counts activation, key actions and trials', async () => {
    const a1 = await snapshot(test.dataSource, 'daily', '2025-03-01', 'a');
    expect(a1).toMatchObject({ activation_rate: 50, trial_started: 1, activated_users: 0 });
    const a2 = await snapshot(test.dataSource, 'daily', '2025-03-02', 'a');
    expect(a2).toMatchObject({ activated_users: 1, users_uploaded_file: 1, activation_rate: 0, trial_started: 1 });
    const a3 = await snapshot(test.dataSource, 'daily', '2025-03-03', 'a');
    expect(a3).toMatchObject({ activated_users: 0, users_created_worklog: 1, users_uploaded_file: 0 });
    expect(a3!.activation_rate).toBeNull(); // nobody signed up that day
    const month = await snapshot(test.dataSource, 'monthly', '2025-03-01', 'a');
    expect(month).toMatchObject({
      activated_users: 2,
      users_uploaded_file: 1,
      users_created_worklog: 1,
      users_generated_report: 1,
      activation_rate: 33.33,
      trial_started: 2,
      trial_converted: 1,
      trial_conversion_rate: 50,
    });
  });

  it('counts jobs, AI usage and API traffic', async () => {
    const a2 = await snapshot(test.dataSource, 'daily', '2025-03-02', 'a');
    expect(a2).toMatchObject({
      jobs_total: 2,
      jobs_succeeded: 1,
      jobs_failed: 1,
      jobs_avg_duration_sec: 45,
      job_success_rate: 50,
      job_failure_rate: 50,
      ai_tokens_used: 170,
      ai_cost_usd: 0.0017,
      api_requests_total: 3,
      api_errors_total: 1,
      api_client_errors_total: 1,
      error_rate: 33.33,
      api_avg_latency_ms: 43.33,
      api_p95_latency_ms: 142.5,
    });
    const a4 = await snapshot(test.dataSource, 'daily', '2025-03-04', 'a');
    expect(a4).toMatchObject({ jobs_total: 0, ai_tokens_used: 0, api_requests_total: 0 });
    expect(a4!.job_success_rate).toBeNull();
    expect(a4!.api_p95_latency_ms).toBeNull();
    const [row] = await test.dataSource.query(
      `SELECT ai_breakdown FROM system_metrics_snapshot WHERE bucket_type = 'daily' AND bucket_date = '2025-03-02' AND tenant_id = 'a'`,
    );
    expect(row.ai_breakdown).toEqual({
      m1: { tokens: 150, cost_usd: 0.0015, requests: 1 },
      m2: { tokens: 20, cost_usd: 0.0002, requests: 1 },
    });
  });

  it('rolls weeks and months up by kind', async () => {
    // ISO week of Mon 02-24 .. Sun 03-02.
    const week1 = await snapshot(test.dataSource, 'weekly', '2025-02-24', 'a');
    expect(week1).toMatchObject({ new_customers: 3, total_customers: 3, wau: 3, dau: 0.57, mau: 3, jobs_total: 2 });
    const week2 = await snapshot(test.dataSource, 'weekly', '2025-03-03', 'a');
    expect(week2).toMatchObject({
      churned_customers: 1,
      reactivated_customers: 1,
      customers_at_start: 3,
      customer_churn_rate: 33.33,
      wau: 1,
      dau: 0.14,
      jobs_total: 1,
      job_success_rate: 100,
    });
    const month = await snapshot(test.dataSource, 'monthly', '2025-03-01', 'a');
    expect(month).toMatchObject({ new_customers: 3, total_customers: 3, mau: 3, churned_customers: 1, jobs_total: 3 });
    const globalMonth = await snapshot(test.dataSource, 'monthly', '2025-03-01', null);
    expect(globalMonth).toMatchObject({ new_customers: 4, total_customers: 4, mau: 4 });
  });

  it('leaves revenue null (billing not connected) and never writes a second global row', async () => {
    const before = await test.dataSource.query(`SELECT count(*)::int AS n FROM system_metrics_snapshot`);
    await metrics.computeRange({ start: '2025-03-01', end: '2025-03-31', asOf });
    const after = await test.dataSource.query(`SELECT count(*)::int AS n FROM system_metrics_snapshot`);
    expect(after[0].n).toBe(before[0].n);
    const global = await snapshot(test.dataSource, 'daily', '2025-03-15', null);
    expect(global).toMatchObject({ mrr: null, arr: null, nrr: null, paying_customers: null });
  });

  it('computes cohort retention with the null-until-matured rule', async () => {
    const cohorts = await metrics.cohorts('a', 6);
    const march = cohorts.find((cohort) => cohort.cohort_month === '2025-03-01')!;
    expect(march).toMatchObject({ cohort_size: 3, week_1_retained: 2, week_1_pct: 66.67, week_4_retained: 0 });
    expect(march.curve[0]).toEqual({ week: 0, retained: 3, pct: 100 });
    expect(march.curve).toHaveLength(27);

    // As of 03-12 the week-1 window of u3 (signed up 03-02: days 03-09..03-15) has not ended.
    await metrics.computeRange({ start: '2025-03-01', end: '2025-03-11', asOf: new Date('2025-03-12T00:00:00Z') });
    const early = (await metrics.cohorts('a', 6)).find((cohort) => cohort.cohort_month === '2025-03-01')!;
    expect(early.curve[0].retained).toBe(3);
    expect(early.week_1_retained).toBeNull();
    expect(early.week_1_pct).toBeNull();
  });
});
