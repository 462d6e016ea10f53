import { MetricsService } from '@exec-metrics/metrics';
import { snapshot } from './support/source-rows.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/** POST revenue/entries/batch: a finance team's spreadsheet in one request, all or nothing. */
const BATCH = '/api/system/metrics/revenue/entries/batch';
const ledgerRows = (test: TestApp) =>
  test.dataSource.query<Promise<{ n: number }[]>>(`SELECT count(*)::int AS n FROM metrics_revenue_ledger`);

describe('manual revenue in batches', () => {
  let test: TestApp;
  const batch = (entries: unknown) => call(test, 'POST', BATCH, { body: { entries } });

  beforeAll(async () => {
    test = await createTestApp({ metrics: { rateLimit: false } });
    await test.dataSource.query(
      `INSERT INTO metrics_billing_customer (id, tenant_id, source) VALUES ('cus_on_stripe', 't1', 'stripe')`,
    );
  });
  afterAll(() => test.close());

  it('refuses a batch with any bad row, naming each row by index and field, and stores nothing', async () => {
    const answer = await batch([
      { customer: 'alpha', tenant: 't1', mrr: 1000, effective_date: '2026-03-01' },
      { customer: 'beta', mrr: -5, effective_date: '2026-03-01' },
      { customer: 'gamma', mrr: 10, effective_date: '2026-02-30', colour: 'red' },
    ]);
    expect(answer.status).toBe(400);
    const errors = (answer.body as { errors: { index: number; field: string }[] }).errors;
    expect(errors.map(({ index, field }) => [index, field]).sort()).toEqual([
      [1, 'mrr'],
      [2, 'colour'],
      [2, 'effective_date'],
    ]);
    expect(await ledgerRows(test)).toEqual([{ n: 0 }]);
  });

  it('refuses the whole batch when one row names a Stripe customer (rolled back, customers included)', async () => {
    const answer = await batch([
      { customer: 'alpha', tenant: 't1', mrr: 1000, effective_date: '2026-03-01' },
      { customer: 'cus_on_stripe', mrr: 10, effective_date: '2026-03-01' },
    ]);
    expect(answer.status).toBe(400);
    expect((answer.body as { errors: unknown[] }).errors).toEqual([
      { index: 1, field: 'customer', message: expect.stringMatching(/Stripe customer/) },
    ]);
    expect(await ledgerRows(test)).toEqual([{ n: 0 }]);
    expect(await test.dataSource.query(`SELECT id FROM metrics_billing_customer WHERE id = 'alpha'`)).toEqual([]);
  });

  it('refuses an empty batch and one of 10,001 entries by the field', async () => {
    for (const entries of [[], Array.from({ length: 10_001 }, () => ({}))]) {
      const answer = await batch(entries);
      expect(answer.status).toBe(400);
      expect((answer.body as { message: string }).message).toMatch(/^entries: /);
    }
  });

  it('stores 10,000 entries in one transaction with one audit record; the movements come out as one by one', async () => {
    const filler = Array.from({ length: 9_996 }, (_, index) => ({
      customer: `filler-${index}`,
      tenant: 't3',
      mrr: 10,
      effective_date: '2026-03-02',
    }));
    const answer = await batch([
      { customer: 'alpha', tenant: 't1', mrr: 1000, effective_date: '2026-03-01' },
      { customer: 'beta', tenant: 't2', mrr: 400, effective_date: '2026-03-05' },
      ...filler,
      { customer: 'alpha', mrr: 1500, effective_date: '2026-03-15', note: 'added seats' },
      { customer: 'beta', mrr: 0, effective_date: '2026-03-20', note: 'left' },
    ]);
    expect(answer).toMatchObject({ status: 201, body: { accepted: 10_000, customers: 9_998 } });
    expect(await ledgerRows(test)).toEqual([{ n: 10_000 }]);
    expect(
      await test.dataSource.query(
        `SELECT params, outcome FROM metrics_audit_log WHERE action = 'revenue_entry' AND outcome = 201`,
      ),
    ).toEqual([{ params: { entries: 10_000, customers: 9_998 }, outcome: 201 }]);

    await test.app
      .get(MetricsService)
      .computeRange({ start: '2026-03-01', end: '2026-03-31', asOf: new Date('2026-04-10T00:00:00Z') });
    const month = await snapshot(test.dataSource, 'monthly', '2026-03-01', null);
    expect({
      mrr: month?.mrr,
      paying_customers: month?.paying_customers,
      new_paying_customers: month?.new_paying_customers,
      mrr_new: month?.mrr_new,
      mrr_expansion: month?.mrr_expansion,
      mrr_churn: month?.mrr_churn,
      average_sale_price: month?.average_sale_price,
    }).toEqual({
      mrr: 101_460, // alpha 1,500 + 9,996 × 10
      paying_customers: 9_997,
      new_paying_customers: 9_998,
      mrr_new: 101_360, // 1,000 + 400 + 99,960
      mrr_expansion: 500,
      mrr_churn: 400,
      average_sale_price: 10.14, // 101,360 / 9,998
    });
    const { body } = await call(test, 'GET', '/api/system/metrics/revenue/ledger?customer=alpha');
    expect((body as { entries: { mrr: number }[] }).entries.map((entry) => entry.mrr)).toEqual([1000, 1500]);
  });
});

describe('a batch and the rate limit', () => {
  it('counts as one request however many entries it holds', async () => {
    const test = await createTestApp({ metrics: { rateLimit: { limit: 2, ttlMs: 60_000 } } });
    try {
      const entries = Array.from({ length: 500 }, (_, index) => ({
        customer: `c-${index}`,
        mrr: 1,
        effective_date: '2026-03-01',
      }));
      expect((await call(test, 'POST', BATCH, { body: { entries } })).status).toBe(201);
      expect((await call(test, 'GET', '/api/system/metrics/catalog')).status).toBe(200);
      expect((await call(test, 'GET', '/api/system/metrics/catalog')).status).toBe(429);
    } finally {
      await test.close();
    }
  });
});
