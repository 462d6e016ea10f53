import { MetricsService } from '@exec-metrics/metrics';
import { CONVENTION_EVENTS } from './support/conventions-scenario.js';
import { snapshot } from './support/source-rows.js';
import { deliver, WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/**
 * The revenue conventions on conventions-scenario.ts, every number by hand. MRR by customer under the defaults
 * (recurring discounts, past_due counts until canceled, quick ratio with reactivation):
 *   d1 100 (01-05: the once coupon does not count);  d2 150 (01-06) → 200 (04-06);  d3 60 (01-07);
 *   p10 100 (01-02);  p30 300 (01-03) → 0 (03-05);  p45 50 (01-04);  r1 40 (01-08) → 0 (01-20) → 60 (02-15).
 * Month ends: January 760 (6 paying), February 820 (7), March 520 (6), April 570 (6).
 */
const PREFIX = '/api/system/metrics';
const asOf = new Date('2026-05-10T00:00:00Z');
const pick = (row: Record<string, number | null> | undefined, keys: string[]) =>
  Object.fromEntries(keys.map((key) => [key, row?.[key] ?? null]));
const INVESTOR = [
  'mrr',
  'paying_customers',
  'new_paying_customers',
  'paying_customers_churned',
  'logo_churn_rate',
  'net_mrr_churn_rate',
  'mrr_growth_rate',
  'average_sale_price',
  'ltv',
];

async function change(test: TestApp, body: Record<string, unknown>) {
  const answer = await call(test, 'PATCH', `${PREFIX}/config`, { body });
  expect(answer.status).toBe(200);
  const runId = (answer.body as { revenue_recompute_run_id: string }).revenue_recompute_run_id;
  expect(runId).toEqual(expect.any(String));
  const run = await test.app.get(MetricsService).waitForRun(runId);
  expect(run).toMatchObject({ status: 'succeeded', trigger: 'conventions', start: '2026-01-02' });
  expect(run.done).toBe(run.total);
  return answer.body as Record<string, unknown>;
}

const monthly = (test: TestApp, month: string, keys: string[]) =>
  snapshot(test.dataSource, 'monthly', `2026-${month}-01`, null).then((row) => pick(row, keys));

describe('revenue conventions', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({ metrics: { stripe: { webhookSecret: WEBHOOK_SECRET }, rateLimit: false } });
    for (const event of CONVENTION_EVENTS) expect((await deliver(test, event)).status).toBe(200);
    await test.app.get(MetricsService).computeRange({ start: '2026-01-01', end: '2026-04-30', asOf });
  });
  afterAll(() => test.close());

  it('defaults: a once coupon does not reduce MRR, past_due counts until canceled; the investor metrics by month', async () => {
    const config = (await call(test, 'GET', `${PREFIX}/config`)).body;
    expect(config).toMatchObject({
      mrr_discounts: 'recurring',
      past_due_churn_after_days: null,
      quick_ratio_includes_reactivation: true,
    });
    expect(await monthly(test, '01', [...INVESTOR, 'mrr_new', 'mrr_churn', 'quick_ratio'])).toEqual({
      mrr: 760,
      paying_customers: 6,
      new_paying_customers: 7,
      paying_customers_churned: 1,
      logo_churn_rate: null, // nobody paid at the start
      net_mrr_churn_rate: null,
      mrr_growth_rate: null,
      average_sale_price: 114.29, // 800 / 7
      ltv: null,
      mrr_new: 800, // d1 100, d2 150, d3 60, p10 100, p30 300, p45 50, r1 40
      mrr_churn: 40,
      quick_ratio: 20,
    });
    expect(await monthly(test, '02', [...INVESTOR, 'mrr_reactivation', 'nrr', 'quick_ratio'])).toEqual({
      mrr: 820,
      paying_customers: 7,
      new_paying_customers: 0,
      paying_customers_churned: 0,
      logo_churn_rate: 0,
      net_mrr_churn_rate: 0,
      mrr_growth_rate: 7.89, // 60 / 760
      average_sale_price: null,
      ltv: null, // no churn: no lifetime to speak of
      mrr_reactivation: 60,
      nrr: 100,
      quick_ratio: null,
    });
    expect(await monthly(test, '03', [...INVESTOR, 'mrr_churn', 'nrr', 'quick_ratio'])).toEqual({
      mrr: 520,
      paying_customers: 6,
      new_paying_customers: 0,
      paying_customers_churned: 1,
      logo_churn_rate: 14.29, // 1 / 7
      net_mrr_churn_rate: 36.59, // 300 / 820
      mrr_growth_rate: -36.59,
      average_sale_price: null,
      ltv: 606.67, // (520 / 6) / (1 / 7)
      mrr_churn: 300,
      nrr: 63.41,
      quick_ratio: 0,
    });
    expect(await monthly(test, '04', ['mrr', 'mrr_expansion', 'net_mrr_churn_rate', 'mrr_growth_rate'])).toEqual({
      mrr: 570,
      mrr_expansion: 50, // d2's repeating coupon ends on 04-06
      net_mrr_churn_rate: -9.62, // −50 / 520
      mrr_growth_rate: 9.62,
    });
  });

  it('the investor metrics over days and weeks (LTV needs a monthly churn rate: null there)', async () => {
    expect(pick(await snapshot(test.dataSource, 'daily', '2026-03-05', null), INVESTOR)).toEqual({
      mrr: 520,
      paying_customers: 6,
      new_paying_customers: 0,
      paying_customers_churned: 1,
      logo_churn_rate: 14.29,
      net_mrr_churn_rate: 36.59,
      mrr_growth_rate: -36.59,
      average_sale_price: null,
      ltv: null,
    });
    expect(pick(await snapshot(test.dataSource, 'daily', '2026-01-06', null), INVESTOR)).toEqual({
      mrr: 700, // p10 100, p30 300, p45 50, d1 100, then d2 150 (d3 and r1 come later)
      paying_customers: 5,
      new_paying_customers: 1,
      paying_customers_churned: 0,
      logo_churn_rate: 0,
      net_mrr_churn_rate: 0,
      mrr_growth_rate: 27.27, // 150 / 550
      average_sale_price: 150,
      ltv: null,
    });
    // The ISO week of Monday 2026-01-05: d1, d2, d3, r1 start (100 + 150 + 60 + 40); 450 at its start.
    expect(pick(await snapshot(test.dataSource, 'weekly', '2026-01-05', null), INVESTOR)).toEqual({
      mrr: 800,
      paying_customers: 7,
      new_paying_customers: 4,
      paying_customers_churned: 0,
      logo_churn_rate: 0,
      net_mrr_churn_rate: 0,
      mrr_growth_rate: 77.78, // 350 / 450
      average_sale_price: 87.5,
      ltv: null,
    });
    // The week of Monday 01-19: r1 (paying since 01-08, so at the week's start) churns on 01-20.
    expect(pick(await snapshot(test.dataSource, 'weekly', '2026-01-19', null), INVESTOR)).toEqual({
      mrr: 760,
      paying_customers: 6,
      new_paying_customers: 0,
      paying_customers_churned: 1,
      logo_churn_rate: 14.29, // 1 / 7
      net_mrr_churn_rate: 5, // 40 / 800
      mrr_growth_rate: -5,
      average_sale_price: null,
      ltv: null,
    });
  });

  it('the investor metrics over a range: flows summed, churn rates and LTV on average monthly rates', async () => {
    const { body } = await call(test, 'GET', `${PREFIX}/summary?start=2026-02-01&end=2026-03-31`);
    expect(pick((body as { metrics: Record<string, number | null> }).metrics, INVESTOR)).toEqual({
      mrr: 520,
      paying_customers: 6,
      new_paying_customers: 0,
      paying_customers_churned: 1,
      // Two calendar months: average monthly rates (metrics.md), the mean of February's 0 and March's 14.29.
      logo_churn_rate: 7.15,
      net_mrr_churn_rate: 18.3, // the mean of February's 0 and March's 36.59
      mrr_growth_rate: -31.58, // (520 − 760) / 760
      average_sale_price: null,
      ltv: 1212.17, // ARPA 86.67 / (the average monthly logo churn 7.15 / 100)
    });
  });

  it('compares the conventions side by side on February and March without changing stored numbers', async () => {
    const stored = await test.dataSource.query(
      `SELECT md5(string_agg(s::text, ',' ORDER BY id)) AS digest FROM system_metrics_snapshot s`,
    );
    const ledger = await test.dataSource.query(
      `SELECT md5(string_agg(l::text, ',' ORDER BY id)) AS digest FROM metrics_revenue_ledger l`,
    );
    const { status, body } = await call(
      test,
      'GET',
      `${PREFIX}/revenue/conventions/compare?start=2026-02-01&end=2026-03-31`,
    );
    expect(status).toBe(200);
    const keys = [
      'mrr_at_start',
      'mrr',
      'mrr_expansion',
      'mrr_churn',
      'mrr_reactivation',
      'mrr_net_new',
      'nrr',
      'grr',
      'quick_ratio',
      'logo_churn_rate',
    ];
    const table = (body as { variants: { name: string; metrics: Record<string, number | null> }[] }).variants.map(
      (variant) => [variant.name, ...keys.map((key) => variant.metrics[key])],
    );
    // Two calendar months: the logo churn rate is the average monthly rate, as GET summary gives it (7.15 above:
    // the mean of February's 0 and March's 1 / 7), never the two months' churn as one rate (1 / 6 = 16.67).
    expect((body as { per: Record<string, string> }).per).toEqual({ logo_churn_rate: 'month' });
    expect(table).toEqual([
      // name, at start, at end, expansion, churn, reactivation, net new, NRR, GRR, quick ratio, logo churn
      ['configured', 760, 520, 0, 300, 60, -240, 60.53, 60.53, 0.2, 7.15],
      // d1 pays 50 until 02-05: its coupon's end is a 50 expansion of a customer paying at the start.
      ['mrr_discounts=all', 710, 520, 50, 300, 60, -190, 64.79, 57.75, 0.37, 7.15],
      ['mrr_discounts=forever_only', 810, 570, 0, 300, 60, -240, 62.96, 62.96, 0.2, 7.15], // d2 at 200
      ['mrr_discounts=none', 830, 590, 0, 300, 60, -240, 63.86, 63.86, 0.2, 7.15], // and d3 at 80
      // p30 and p45 churn on 03-03; p45 comes back on 03-18, so March loses 2 of its 7 paying customers (28.57)
      // and February none: 14.29 a month on average.
      ['past_due_churn_after_days=30', 760, 520, 0, 350, 110, -240, 53.95, 53.95, 0.31, 14.29],
      ['quick_ratio_includes_reactivation=false', 760, 520, 0, 300, 60, -240, 60.53, 60.53, 0, 7.15],
    ]);
    const acme = await call(
      test,
      'GET',
      `${PREFIX}/revenue/conventions/compare?start=2026-02-01&end=2026-03-31&tenant=acme`,
    );
    expect((acme.body as { variants: { metrics: { mrr: number } }[] }).variants[0].metrics.mrr).toBe(520);
    // One calendar month: the range's own rate is the monthly rate (1 / 7), nothing is averaged.
    const march = await call(test, 'GET', `${PREFIX}/revenue/conventions/compare?start=2026-03-01&end=2026-03-31`);
    const marchBody = march.body as { per: object; variants: { metrics: { logo_churn_rate: number } }[] };
    expect(marchBody.per).toEqual({});
    expect(marchBody.variants[0].metrics.logo_churn_rate).toBe(14.29);
    expect(
      await test.dataSource.query(
        `SELECT md5(string_agg(s::text, ',' ORDER BY id)) AS digest FROM system_metrics_snapshot s`,
      ),
    ).toEqual(stored);
    expect(
      await test.dataSource.query(
        `SELECT md5(string_agg(l::text, ',' ORDER BY id)) AS digest FROM metrics_revenue_ledger l`,
      ),
    ).toEqual(ledger);
  });

  it('past_due_churn_after_days 30: p30 and p45 churn on 03-03, p45 paying again is a reactivation, p10 stays', async () => {
    await change(test, { past_due_churn_after_days: 30 });
    const [audit] = await test.dataSource.query<{ changes: unknown }[]>(
      `SELECT changes FROM metrics_audit_log WHERE action = 'config_change' ORDER BY id DESC LIMIT 1`,
    );
    expect(typeof audit.changes === 'string' ? JSON.parse(audit.changes) : audit.changes).toEqual({
      past_due_churn_after_days: { before: null, after: 30 },
    });
    const { body } = await call(test, 'GET', `${PREFIX}/revenue/ledger?customer=cus_p45`);
    const entries = (body as { entries: { mrr: number; cause: string; effective_at: string }[] }).entries;
    expect(entries.map(({ effective_at, mrr, cause }) => [effective_at, mrr, cause])).toEqual([
      ['2026-01-04T10:00:00.000Z', 50, 'created'],
      ['2026-02-01T10:00:00.000Z', 50, 'updated'],
      ['2026-03-03T10:00:00.000Z', 0, 'past_due_churn'], // 02-01 + 30 days
      ['2026-03-18T10:00:00.000Z', 50, 'updated'],
    ]);
    expect(await monthly(test, '02', ['mrr', 'mrr_churn'])).toEqual({ mrr: 820, mrr_churn: 0 }); // p10: 10 days only
    expect(await monthly(test, '03', [...INVESTOR, 'mrr_churn', 'mrr_reactivation', 'nrr', 'quick_ratio'])).toEqual({
      mrr: 520,
      paying_customers: 6,
      new_paying_customers: 0,
      paying_customers_churned: 2,
      logo_churn_rate: 28.57, // 2 / 7
      net_mrr_churn_rate: 42.68, // 350 / 820
      mrr_growth_rate: -36.59,
      average_sale_price: null,
      ltv: 303.33, // (520 / 6) / (2 / 7)
      mrr_churn: 350,
      mrr_reactivation: 50,
      nrr: 57.32,
      quick_ratio: 0.14, // 50 / 350
    });
    expect(
      pick(await snapshot(test.dataSource, 'daily', '2026-03-03', null), [
        'mrr',
        'mrr_churn',
        'paying_customers_churned',
      ]),
    ).toEqual({ mrr: 470, mrr_churn: 350, paying_customers_churned: 2 });
    expect(pick(await snapshot(test.dataSource, 'daily', '2026-03-05', null), ['mrr', 'mrr_churn'])).toEqual({
      mrr: 470, // p30's cancellation changes nothing: it was churned already
      mrr_churn: 0,
    });
    expect(
      pick(await snapshot(test.dataSource, 'weekly', '2026-03-02', null), ['mrr', 'logo_churn_rate', 'mrr_churn']),
    ).toEqual({ mrr: 470, logo_churn_rate: 28.57, mrr_churn: 350 });
  });

  it('quick_ratio_includes_reactivation false leaves reactivation out of the quick ratio only', async () => {
    await change(test, { quick_ratio_includes_reactivation: false });
    expect(await monthly(test, '03', ['quick_ratio', 'mrr_reactivation', 'mrr'])).toEqual({
      quick_ratio: 0, // 0 / 350
      mrr_reactivation: 50,
      mrr: 520,
    });
    expect(await monthly(test, '01', ['quick_ratio'])).toEqual({ quick_ratio: 20 });
  });

  it('mrr_discounts all, forever_only and none, each recomputed from the stored states', async () => {
    await change(test, {
      mrr_discounts: 'all',
      past_due_churn_after_days: null,
      quick_ratio_includes_reactivation: true,
    });
    // d1 pays 50 for its first month, then 100 from 02-05: an expansion made by the coupon's end.
    expect(await monthly(test, '01', ['mrr', 'mrr_new', 'average_sale_price', 'quick_ratio'])).toEqual({
      mrr: 710,
      mrr_new: 750,
      average_sale_price: 107.14, // 750 / 7
      quick_ratio: 18.75, // 750 / 40
    });
    expect(await monthly(test, '02', ['mrr', 'mrr_expansion', 'mrr_reactivation'])).toEqual({
      mrr: 820,
      mrr_expansion: 50,
      mrr_reactivation: 60,
    });
    await change(test, { mrr_discounts: 'forever_only' });
    // d2's repeating 25% no longer counts (200 from the start); d3's forever $20 off still does.
    expect(await monthly(test, '01', ['mrr', 'mrr_new'])).toEqual({ mrr: 810, mrr_new: 850 });
    expect(await monthly(test, '04', ['mrr', 'mrr_expansion'])).toEqual({ mrr: 570, mrr_expansion: 0 });
    await change(test, { mrr_discounts: 'none' });
    expect(await monthly(test, '01', ['mrr', 'mrr_new'])).toEqual({ mrr: 830, mrr_new: 870 });
    expect(await monthly(test, '04', ['mrr'])).toEqual({ mrr: 590 });
  });

  it('refuses an unknown convention or a bad number of days by name, changing nothing', async () => {
    for (const [body, field] of [
      [{ mrr_discounts: 'sometimes' }, 'mrr_discounts'],
      [{ past_due_churn_after_days: 0 }, 'past_due_churn_after_days'],
      [{ past_due_churn_after_days: 2.5 }, 'past_due_churn_after_days'],
      [{ quick_ratio_includes_reactivation: 'yes' }, 'quick_ratio_includes_reactivation'],
    ] as const) {
      const answer = await call(test, 'PATCH', `${PREFIX}/config`, { body });
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain(field);
    }
    expect((await call(test, 'GET', `${PREFIX}/config`)).body).toMatchObject({ mrr_discounts: 'none' });
  });
});
