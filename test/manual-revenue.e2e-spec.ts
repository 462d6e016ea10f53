import { MetricsService } from '@exec-metrics/metrics';
import { snapshot } from './support/source-rows.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/** Revenue entered by hand (no Stripe): the same ledger and the same movements. */
describe('manual revenue entries', () => {
  let test: TestApp;
  const compute = () =>
    test.app
      .get(MetricsService)
      .computeRange({ start: '2026-03-01', end: '2026-03-31', asOf: new Date('2026-04-10T00:00:00Z') });
  const entry = (body: Record<string, unknown>) => call(test, 'POST', '/api/system/metrics/revenue/entries', { body });

  beforeAll(async () => {
    test = await createTestApp({ metrics: { rateLimit: false } });
  });
  afterAll(() => test.close());

  it('leaves revenue null, with the reason, while neither Stripe nor manual revenue exists', async () => {
    await compute();
    expect((await snapshot(test.dataSource, 'monthly', '2026-03-01', null))?.mrr).toBeNull();
    const { body } = await call(test, 'GET', '/api/system/metrics/summary?start=2026-03-01&end=2026-03-31');
    expect((body as { unavailable: Record<string, string> }).unavailable.billing).toMatch(/Stripe is not configured/);
  });

  it('refuses bad entries with the field named, storing nothing', async () => {
    for (const [body, field] of [
      [{ customer: 'acme', mrr: -5, effective_date: '2026-03-01' }, 'mrr'],
      [{ customer: 'acme', mrr: 10, effective_date: '2026-02-30' }, 'effective_date'],
      [{ customer: 'acme', mrr: 10, effective_date: '2026-03-01', currency: 'XYZ' }, 'currency'],
      [{ customer: "acme'; DROP TABLE x", mrr: 10, effective_date: '2026-03-01' }, 'customer'],
      [{ customer: 'acme', mrr: '10 dollars', effective_date: '2026-03-01' }, 'mrr'],
      [{ customer: 'acme', mrr: 10, effective_date: '2026-03-01', extra: true }, 'extra'],
    ] as const) {
      const answer = await entry(body);
      expect(answer.status).toBe(400);
      expect((answer.body as { message: string }).message).toContain(field);
    }
    expect(await test.dataSource.query(`SELECT count(*)::int AS n FROM metrics_revenue_ledger`)).toEqual([{ n: 0 }]);
  });

  it('computes MRR and its movements from the entries, per tenant and globally', async () => {
    expect((await entry({ customer: 'acme', tenant: 't1', mrr: 1000, effective_date: '2026-03-01' })).status).toBe(201);
    await entry({ customer: 'acme', mrr: 1500, effective_date: '2026-03-15', note: 'added seats' });
    await entry({ customer: 'initech', tenant: 't2', mrr: 400, effective_date: '2026-03-05' });
    await entry({ customer: 'initech', mrr: 0, effective_date: '2026-03-20', note: 'left' });
    await compute();
    const keys = ['mrr', 'paying_customers', 'mrr_new', 'mrr_expansion', 'mrr_churn', 'stripe_active_subscriptions'];
    const pick = (row: Record<string, number | null> | undefined) =>
      Object.fromEntries(keys.map((key) => [key, row?.[key]]));
    expect(pick(await snapshot(test.dataSource, 'monthly', '2026-03-01', null))).toEqual({
      mrr: 1500,
      paying_customers: 1,
      mrr_new: 1400,
      mrr_expansion: 500,
      mrr_churn: 400,
      stripe_active_subscriptions: 0, // manual revenue is not a Stripe subscription
    });
    expect((await snapshot(test.dataSource, 'daily', '2026-03-14', 't1'))?.mrr).toBe(1000);
    expect((await snapshot(test.dataSource, 'monthly', '2026-03-01', 't2'))?.mrr_churn).toBe(400);
    const ledger = await call(test, 'GET', '/api/system/metrics/revenue/ledger?customer=acme');
    expect(
      (ledger.body as { entries: { mrr: number; note: string | null; cause: string }[] }).entries.map((row) => [
        row.mrr,
        row.cause,
        row.note,
      ]),
    ).toEqual([
      [1000, 'manual', null],
      [1500, 'manual', 'added seats'],
    ]);
    const [{ n }] = await test.dataSource.query(
      `SELECT count(*)::int AS n FROM metrics_audit_log WHERE action = 'revenue_entry' AND outcome = 201`,
    );
    expect(n).toBe(4);
  });
});
