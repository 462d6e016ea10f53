import { MetricsService, type MetricsSummary } from '@exec-metrics/metrics';
import { breakdownsOf } from '../libs/metrics/src/common/metric-values.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows, snapshot } from './support/source-rows.js';

/**
 * A summary that no cache answers (docs/performance-history.md, "cold reads"): the same answer whether the per-user
 * activity state covers the range or not, and for a calendar month the month's own stored snapshot — every metric
 * but MAU, which a range rolls up as its last day's (metrics.md) — so the read invents nothing the compute did not.
 *
 * Tenant a: u1..u3 active across New Year, with key actions and AI usage; tenant b: u1; x1 has no tenant. AI usage
 * per model: the same from the AI usage days (when they hold the range) as from the events. Revenue
 * entered by hand: customers paying before January who expand, contract or leave in it (NRR, GRR, logo churn), one
 * new in January and one that never moves (the summary's NRR movements read only the customers moving in the range).
 */
describe('cold summary: identical answers over covered and uncovered ranges', () => {
  let test: TestApp;
  let metrics: MetricsService;
  const asOf = new Date('2026-02-10T06:00:00Z');
  const RANGES = [
    { start: '2026-01-01', end: '2026-01-31' }, // a calendar month
    { start: '2025-12-20', end: '2026-01-19' }, // across New Year, two months' days
    { start: '2025-12-29', end: '2026-01-04' }, // one ISO week
  ];
  const SCOPES = [null, 'a', 'b'];

  const summaries = async () => {
    const answers: Record<string, Omit<MetricsSummary, 'latest'> & { latest: unknown }> = {};
    for (const range of RANGES) {
      for (const tenant of SCOPES) {
        const answer = await metrics.summary({ ...range, tenant, asOf });
        // The latest snapshot's computation time is the only part that is not a value.
        answers[`${range.start}..${range.end} ${tenant ?? 'global'}`] = {
          ...answer,
          latest: answer.latest && { ...answer.latest, computed_at: undefined },
        };
      }
    }
    return answers;
  };

  beforeAll(async () => {
    test = await createTestApp({ metrics: { rateLimit: false } });
    metrics = test.app.get(MetricsService);
    const revenue: [customer: string, tenant: string, mrr: number, day: string][] = [
      ['acme', 'a', 1000, '2025-11-05'],
      ['hooli', 'b', 200, '2025-11-10'],
      ['umbrella', 'a', 600, '2025-11-01'],
      ['initech', 'b', 400, '2025-12-03'],
      ['umbrella', 'a', 450, '2025-12-28'],
      ['globex', 'a', 300, '2026-01-10'],
      ['acme', 'a', 1500, '2026-01-15'],
      ['initech', 'b', 0, '2026-01-20'],
    ];
    for (const [customer, tenant, mrr, day] of revenue) {
      const answer = await call(test, 'POST', '/api/system/metrics/revenue/entries', {
        body: { customer, tenant, mrr, effective_date: day },
      });
      expect(answer.status).toBe(201);
    }
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['a', 'u1', 'signup', '2025-11-03T09:00:00Z'],
        ['a', 'u2', 'signup', '2025-11-10T09:00:00Z'],
        ['b', 'u1', 'signup', '2025-12-01T09:00:00Z'],
        ['a', 'u3', 'signup', '2025-12-30T09:00:00Z'],
        ['a', 'u2', 'deactivate', '2026-01-12T09:00:00Z'],
      ],
      activity: [
        ['a', 'u1', '2025-11-20T10:00:00Z'],
        ['a', 'u1', '2025-12-22T10:00:00Z'],
        ['a', 'u1', '2025-12-31T23:30:00Z'],
        ['a', 'u1', '2026-01-01T02:00:00Z'],
        ['a', 'u1', '2026-01-14T10:00:00Z'],
        ['a', 'u1', '2026-01-30T10:00:00Z'],
        ['a', 'u2', '2025-12-20T10:00:00Z'],
        ['a', 'u2', '2026-01-05T10:00:00Z'],
        ['a', 'u3', '2025-12-30T10:00:00Z'],
        ['a', 'u3', '2026-01-04T10:00:00Z'],
        ['a', 'u3', '2026-01-11T10:00:00Z'],
        ['a', 'u3', '2026-01-25T10:00:00Z'],
        ['b', 'u1', '2025-12-29T10:00:00Z'],
        ['b', 'u1', '2026-01-02T10:00:00Z'],
        ['b', 'u1', '2026-01-13T10:00:00Z'],
        [null, 'x1', '2025-12-31T12:00:00Z'],
        [null, 'x1', '2026-01-10T12:00:00Z'],
      ],
      activation: [
        ['a', 'u1', 'file_upload', '2025-12-22T10:05:00Z'],
        ['a', 'u1', 'file_upload', '2026-01-14T10:05:00Z'],
        ['a', 'u3', 'file_upload', '2026-01-04T10:05:00Z'],
        ['a', 'u3', 'report_generate', '2026-01-25T10:05:00Z'],
        ['b', 'u1', 'worklog_create', '2026-01-02T10:05:00Z'],
      ],
      ai: [
        ['a', 'gpt-4o', 100, 50, '0.012345', '2025-12-30T11:00:00Z'],
        ['a', 'gpt-4o', 200, 80, '0.020001', '2026-01-04T11:00:00Z'],
        ['b', 'claude', 300, 20, '0.000007', '2026-01-13T11:00:00Z'],
        // Two days' costs that each round up to 0.0001 alone: a range sums them exactly, then rounds (0.0001).
        ['b', 'claude', 10, 10, '0.000050', '2026-01-05T11:00:00Z'],
        ['b', 'claude', 10, 10, '0.000050', '2026-01-06T11:00:00Z'],
      ],
    });
    await metrics.computeRange({ start: '2025-11-01', end: '2026-02-09', asOf });
  }, 180_000);

  afterAll(() => test.close());

  it('gives a calendar month the stored month, MAU as of its last day, and users per key action', async () => {
    for (const tenant of SCOPES) {
      const summary = await metrics.summary({ start: '2026-01-01', end: '2026-01-31', tenant, asOf });
      const month = (await snapshot(test.dataSource, 'monthly', '2026-01-01', tenant))!;
      const lastDay = (await snapshot(test.dataSource, 'daily', '2026-01-31', tenant))!;
      expect(Object.keys(summary.metrics).length).toBeGreaterThan(40);
      for (const [key, value] of Object.entries(summary.metrics)) {
        expect([key, value]).toEqual([key, key === 'mau' ? lastDay.mau : month[key]]);
      }
      // Its AI usage per model and users per key action too (the global view's counted for it alone).
      const [monthRow] = await test.dataSource.query(
        `SELECT ai_breakdown, activation_breakdown FROM system_metrics_snapshot
         WHERE bucket_type = 'monthly' AND bucket_date = '2026-01-01' AND tenant_id IS NOT DISTINCT FROM $1`,
        [tenant],
      );
      expect(summary.breakdowns).toEqual(breakdownsOf(monthRow));
    }
    const a = await metrics.summary({ start: '2026-01-01', end: '2026-01-31', tenant: 'a', asOf });
    // u1 (01-14) and u3 (01-04) uploaded in January: two users, three uploads counted once per user.
    expect(a.breakdowns.activation).toEqual({ file_upload: 2, report_generate: 1 });
    expect(a.breakdowns.ai).toEqual({ 'gpt-4o': { tokens: 280, cost_usd: 0.02, requests: 1 } });
    // acme (+500) was paying on 01-01; globex (new) was not: NRR (1000 + 450 + 500) / (1000 + 450).
    expect(a.metrics.nrr).toBe(134.48);
    const b = await metrics.summary({ start: '2026-01-01', end: '2026-01-31', tenant: 'b', asOf });
    expect(b.metrics.grr).toBe(33.33); // initech (400) left, hooli (200) stayed: 200 / 600
    expect(b.breakdowns.ai).toEqual({ claude: { tokens: 360, cost_usd: 0.0001, requests: 3 } });
  });

  it('sums AI usage per model from the AI usage days when they hold the range, and from the events otherwise', async () => {
    const covered = await summaries();
    const [coverage] = await test.dataSource.query(
      `SELECT first_day::text AS first, last_day::text AS last FROM metrics_ai_usage_day_coverage`,
    );
    expect(coverage).toEqual({ first: '2025-11-01', last: '2026-02-09' });
    // The days are what a summary reads: a day's global and tenant rows raised, its ranges' answers follow.
    const raise = (by: number) =>
      test.dataSource.query(`UPDATE metrics_ai_usage_day SET tokens = tokens + $1 WHERE day = '2026-01-04'`, [by]);
    await raise(1000);
    const raised = await metrics.summary({ start: '2026-01-01', end: '2026-01-31', tenant: 'a', asOf });
    const raisedGlobal = await metrics.summary({ start: '2026-01-01', end: '2026-01-31', tenant: null, asOf });
    await raise(-1000);
    expect(raised.breakdowns.ai?.['gpt-4o'].tokens).toBe(1280);
    expect(raisedGlobal.breakdowns.ai?.['gpt-4o'].tokens).toBe(1280);

    // A day of the ranges waiting to be recomputed, or no days at all: the events are summed, to the same answers.
    await test.dataSource.query(`INSERT INTO metrics_dirty_day (day, source) VALUES ('2026-01-02', 'ai')`);
    expect(await summaries()).toEqual(covered);
    await test.dataSource.query('DELETE FROM metrics_dirty_day');
    await test.dataSource.query('TRUNCATE metrics_ai_usage_day, metrics_ai_usage_day_coverage');
    expect(await summaries()).toEqual(covered);

    // A one-tenant run folds its tenant's days without extending the coverage; a run of every tenant folds them all.
    await metrics.computeRange({ start: '2026-01-01', end: '2026-01-31', tenant: 'a', asOf });
    expect(await test.dataSource.query('SELECT * FROM metrics_ai_usage_day_coverage')).toEqual([]);
    const tenantRows = await test.dataSource.query(
      `SELECT is_global, tenant_id, day::text AS day, model, tokens::int AS tokens FROM metrics_ai_usage_day`,
    );
    expect(tenantRows).toEqual([{ is_global: false, tenant_id: 'a', day: '2026-01-04', model: 'gpt-4o', tokens: 280 }]);
    await metrics.computeRange({ start: '2025-11-01', end: '2026-02-09', asOf });
    expect(await summaries()).toEqual(covered);
  });

  it('answers the same whether the activity state covers the range, has a dirty day in it, or is empty', async () => {
    const covered = await summaries();
    expect(Object.keys(covered)).toHaveLength(RANGES.length * SCOPES.length);
    // WAU rolls a range up as its last day's: 01-13..01-19 of tenant a holds u1 (01-14) alone.
    expect(covered['2025-12-20..2026-01-19 a'].metrics.wau).toBe(1);

    // A day of every range waiting to be recomputed: the state does not hold them.
    await test.dataSource.query(`INSERT INTO metrics_dirty_day (day, source) VALUES ('2026-01-02', 'activity')`);
    expect(await summaries()).toEqual(covered);
    await test.dataSource.query('DELETE FROM metrics_dirty_day');

    // No state at all (an installation before its first backfill in this timezone).
    await test.dataSource.query('TRUNCATE metrics_user_activity, metrics_user_activity_coverage, metrics_daily_work');
    expect(await summaries()).toEqual(covered);
  });
});
