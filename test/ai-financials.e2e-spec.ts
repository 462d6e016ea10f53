import { MetricsRecorder, MetricsService } from '@exec-metrics/metrics';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';
const DAY = '2025-06-03';
const PRICES = {
  'gpt-4o': { input_per_1m: 2.5, output_per_1m: 10 },
  small: { input_per_1m: 0.15, output_per_1m: 0.6 },
};

const usage = (id: string, model: string, input: number, output: number, cost?: number) => ({
  id,
  type: 'ai_usage',
  at: `${DAY}T12:00:00Z`,
  tenant: 'acme',
  model,
  input_tokens: input,
  output_tokens: output,
  ...(cost === undefined ? {} : { cost_usd: cost }),
});

interface Summary {
  metrics: Record<string, number | null>;
  breakdowns: { ai: unknown; activation: unknown };
  latest: { metrics: Record<string, number | null>; breakdowns: { ai: unknown } };
  unavailable: Record<string, string>;
}

describe('AI price table and financial inputs', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp();
  });

  afterAll(() => test.close());

  const patch = (body: object) => call(test, 'PATCH', `${PREFIX}/config`, { body });
  const summary = async (tenant: string | null) =>
    (await call(test, 'GET', `${PREFIX}/summary?start=${DAY}&end=${DAY}${tenant ? `&tenant=${tenant}` : ''}`))
      .body as Summary;

  it('validates and audits the price table', async () => {
    for (const ai_prices of [
      [],
      { m: { input_per_1m: -1, output_per_1m: 1 } },
      { m: { input_per_1m: 1 } },
      { m: { input_per_1m: 1, output_per_1m: 1, cached_per_1m: 1 } },
      { m: { input_per_1m: 0.0000001, output_per_1m: 1 } },
      { m: { input_per_1m: '1', output_per_1m: 1 } },
      { '': { input_per_1m: 1, output_per_1m: 1 } },
    ]) {
      const refused = await patch({ ai_prices });
      expect(refused.status).toBe(400);
      expect((refused.body as { errors: { field: string }[] }).errors.map((error) => error.field)).toEqual([
        'ai_prices',
      ]);
    }
    const changed = await patch({ ai_prices: PRICES });
    expect(changed.status).toBe(200);
    expect((changed.body as { ai_prices: unknown }).ai_prices).toEqual(PRICES);
    const [audit] = await test.dataSource.query<{ changes: unknown }[]>(
      `SELECT action, outcome, changes FROM metrics_audit_log WHERE action = 'config_change' AND outcome = 200
       ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toEqual({
      action: 'config_change',
      outcome: 200,
      changes: { ai_prices: { before: {}, after: PRICES } },
    });
  });

  it('computes the cost of token-only events from the price table, exactly; an unpriced model needs a cost', async () => {
    const refused = await call(test, 'POST', `${PREFIX}/events`, {
      body: { events: [usage('u0', 'gpt-4o', 1, 1), usage('u-mystery', 'mystery', 10, 10)] },
    });
    expect(refused.status).toBe(400);
    expect((refused.body as { errors: unknown[] }).errors).toEqual([
      {
        index: 1,
        field: 'cost_usd',
        message: `is required: the configuration's ai_prices has no price for model "mystery"`,
      },
    ]);
    expect(await test.dataSource.query(`SELECT count(*)::int AS n FROM metrics_ai_usage_event`)).toEqual([{ n: 0 }]);

    const accepted = await call(test, 'POST', `${PREFIX}/events`, {
      body: {
        events: [
          usage('u1', 'gpt-4o', 1200, 350), // (1200 × 2.5 + 350 × 10) / 1e6 = 0.0065
          usage('u2', 'small', 12345, 6789), // (1851.75 + 4073.4) / 1e6 = 0.00592515 → 0.005925
          usage('u3', 'gpt-4o', 100, 50, 0.5), // a cost given wins over the table
          usage('u4', 'small', 10, 0), // 1.5 / 1e6 = 0.0000015 → half up 0.000002
          usage('u5', 'mystery', 7, 3, 0.01), // no price, but a cost: fine
        ],
      },
    });
    expect(accepted.status).toBe(200);
    const rows = await test.dataSource.query<{ model: string; cost: string }[]>(
      `SELECT model, cost_usd::text AS cost FROM metrics_ai_usage_event ORDER BY id`,
    );
    expect(rows.map((row) => [row.model, row.cost])).toEqual([
      ['gpt-4o', '0.006500'],
      ['small', '0.005925'],
      ['gpt-4o', '0.500000'],
      ['small', '0.000002'],
      ['mystery', '0.010000'],
    ]);

    // From inside the host, the same: one million tokens each way at 2.5 and 10 USD per million = 12.5 USD.
    const recorded = await test.app.get(MetricsRecorder).record({
      type: 'ai_usage',
      at: '2025-06-04T08:00:00Z',
      tenant: 'acme',
      model: 'gpt-4o',
      input_tokens: 1_000_000,
      output_tokens: 1_000_000,
    });
    expect(recorded).toEqual({ accepted: 1, duplicates: 0 });
    const [last] = await test.dataSource.query<{ cost: string }[]>(
      `SELECT cost_usd::text AS cost FROM metrics_ai_usage_event ORDER BY id DESC LIMIT 1`,
    );
    expect(last.cost).toBe('12.500000');
  });

  it('shows the per-model breakdown in the snapshot, the summary and the timeseries', async () => {
    await test.app.get(MetricsService).computeRange({ start: DAY, end: DAY });
    const breakdown = {
      'gpt-4o': { tokens: 1700, cost_usd: 0.5065, requests: 2 },
      small: { tokens: 19144, cost_usd: 0.0059, requests: 2 },
      mystery: { tokens: 10, cost_usd: 0.01, requests: 1 },
    };
    for (const tenant of ['acme', null]) {
      const body = await summary(tenant);
      // 1550 + 19134 + 150 + 10 + 10 tokens; 0.0065 + 0.005925 + 0.5 + 0.000002 + 0.01 = 0.522427 → 0.5224.
      expect([body.metrics.ai_tokens_used, body.metrics.ai_cost_usd]).toEqual([20854, 0.5224]);
      expect(body.breakdowns.ai).toEqual(breakdown);
      expect(body.latest.breakdowns.ai).toEqual(breakdown);
    }
    const series = await call(
      test,
      'GET',
      `${PREFIX}/timeseries?metric=ai_cost_usd&breakdown=ai&start=${DAY}&end=${DAY}&tenant=acme`,
    );
    expect(series.body).toEqual({
      bucket: 'daily',
      per: 'day',
      series: { ai_cost_usd: [{ date: DAY, value: 0.5224, complete: true }] },
      breakdowns: { ai: [{ date: DAY, value: breakdown }] },
    });
    const wrong = await call(test, 'GET', `${PREFIX}/timeseries?metric=dau&breakdown=revenue&start=${DAY}&end=${DAY}`);
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain('breakdown');
  });

  it('computes runway per metrics.md', async () => {
    const runway = async (body: object) => {
      const changed = await patch(body);
      expect(changed.status).toBe(200);
      return (changed.body as { runway_months: number | null }).runway_months;
    };
    // 100,000 / 30,000 = 3.333… → one decimal.
    expect(await runway({ cash_balance: 100000, monthly_burn_rate: 30000, manual_runway_months: 18.5 })).toBe(3.3);
    // A cash balance with no burn (or a negative one) has no runway: null, and the manual runway is not used.
    expect(await runway({ monthly_burn_rate: 0 })).toBeNull();
    expect(await runway({ monthly_burn_rate: null })).toBeNull();
    // No cash balance: the manual runway.
    expect(await runway({ cash_balance: null, monthly_burn_rate: 30000 })).toBe(18.5);
    expect(await runway({ manual_runway_months: null })).toBeNull();
    expect(await runway({ cash_balance: 1275000, monthly_burn_rate: 85000, cash_balance_as_of: '2025-05-31' })).toBe(
      15,
    );
    const config = (await call(test, 'GET', `${PREFIX}/config`)).body;
    expect(config).toMatchObject({
      cash_balance: 1275000,
      cash_balance_as_of: '2025-05-31',
      monthly_burn_rate: 85000,
      runway_months: 15,
    });
    for (const [body, field] of [
      [{ cash_balance_as_of: '2025-02-30' }, 'cash_balance_as_of'],
      [{ monthly_burn_rate: -1 }, 'monthly_burn_rate'],
      [{ manual_runway_months: 'soon' }, 'manual_runway_months'],
      [{ outstanding_invoices_count: -2 }, 'outstanding_invoices_count'],
      [{ outstanding_invoices_count: 1.5 }, 'outstanding_invoices_count'],
      [{ outstanding_invoices_value: -0.01 }, 'outstanding_invoices_value'],
    ] as const) {
      const refused = await patch(body);
      expect(refused.status).toBe(400);
      const fields = (refused.body as { errors: { field: string }[] }).errors.map((error) => error.field);
      expect([...new Set(fields)]).toEqual([field]);
    }
  });

  it('stores the financial inputs and the configured outstanding invoices in the snapshot while billing is off', async () => {
    expect((await patch({ outstanding_invoices_count: 4, outstanding_invoices_value: 1234.56 })).status).toBe(200);
    await test.app.get(MetricsService).computeRange({ start: DAY, end: DAY });
    const body = await summary(null);
    expect(body.latest.metrics).toMatchObject({
      cash_balance: 1275000,
      cash_burn_monthly: 85000,
      runway_months: 15,
      outstanding_invoices_count: 4,
      outstanding_invoices_value: 1234.56,
      mrr: null,
    });
    expect(body.metrics).toMatchObject({ outstanding_invoices_count: 4, outstanding_invoices_value: 1234.56 });
    expect(body.unavailable.billing).toContain('Stripe');
    // Cleared in the configuration: null again after the next compute, never 0.
    await patch({ outstanding_invoices_count: null, outstanding_invoices_value: null });
    await test.app.get(MetricsService).computeRange({ start: DAY, end: DAY });
    expect((await summary(null)).latest.metrics).toMatchObject({
      outstanding_invoices_count: null,
      outstanding_invoices_value: null,
    });
  });
});
