import { AlertEvaluator, MetricsService } from '@exec-metrics/metrics';
import { REVENUE_EVENTS } from './support/revenue-scenario.js';
import { deliver, WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Reconciliation on revenue-scenario.ts: every bucket reconciles; then a deliberately broken ledger row (sub_1,
 * which is cus_1's, written under cus_2 with MRR 0 on 03-10) takes 150 off MRR while the movements only see
 * cus_2 (50 MRR) churn: MRR at start + net new (−50) is 100 above MRR at the end, in the day, week and month that
 * hold 03-10, globally and for acme (cus_2's tenant).
 */
const PREFIX = '/api/system/metrics';
const asOf = new Date('2026-05-10T00:00:00Z');

describe('revenue reconciliation', () => {
  let test: TestApp;
  const compute = async () => {
    await test.app.get(MetricsService).computeRange({ start: '2026-01-01', end: '2026-04-30', asOf });
    await test.app.get(AlertEvaluator).settled();
  };
  const alerts = () =>
    test.dataSource.query(
      `SELECT bucket_type, bucket_date::text, tenant_id, value::float8, status, severity FROM metrics_alert
       WHERE kind = 'reconciliation' ORDER BY bucket_type, tenant_id NULLS FIRST`,
    );

  beforeAll(async () => {
    test = await createTestApp({ metrics: { stripe: { webhookSecret: WEBHOOK_SECRET }, rateLimit: false } });
    for (const event of REVENUE_EVENTS) expect((await deliver(test, event)).status).toBe(200);
    await call(test, 'PATCH', `${PREFIX}/config`, { body: { currency_rates: { EUR: 1.1 } } });
    await compute();
  });
  afterAll(() => test.close());

  it('finds every bucket of a sound ledger reconciled, and raises no alert', async () => {
    const { status, body } = await call(
      test,
      'GET',
      `${PREFIX}/revenue/reconciliation?start=2026-01-01&end=2026-04-30`,
    );
    expect(status).toBe(200);
    const report = body as { checked: number; differences: unknown[] };
    // 120 days, 18 ISO weeks (12-29 … 04-27) and 4 months, each global, acme and globex.
    expect(report).toMatchObject({ start: '2026-01-01', end: '2026-04-30', tenant: null, differences: [] });
    expect(report.checked).toBe((120 + 18 + 4) * 3);
    expect(await alerts()).toEqual([]);
  });

  it('reports a broken ledger row to the cent, per bucket and scope, and raises an alert until it is gone', async () => {
    await test.dataSource.query(
      `INSERT INTO metrics_revenue_ledger (customer_id, subscription_id, effective_at, seq, status, currency, mrr, cause)
       VALUES ('cus_2', 'sub_1', '2026-03-10T12:00:00Z', 99, 'active', 'USD', 0, 'broken_on_purpose')`,
    );
    await compute();
    const { body } = await call(test, 'GET', `${PREFIX}/revenue/reconciliation?start=2026-03-01&end=2026-03-31`);
    const broken = { mrr_net_new: -50, difference: -100 };
    expect((body as { differences: unknown[] }).differences).toEqual([
      { bucket_type: 'daily', bucket_date: '2026-03-10', tenant: null, mrr_at_start: 710, mrr: 560, ...broken },
      { bucket_type: 'daily', bucket_date: '2026-03-10', tenant: 'acme', mrr_at_start: 340, mrr: 190, ...broken },
      {
        bucket_type: 'monthly',
        bucket_date: '2026-03-01',
        tenant: null,
        mrr_at_start: 600,
        mrr: 560,
        mrr_net_new: 60,
        difference: -100,
      },
      { bucket_type: 'monthly', bucket_date: '2026-03-01', tenant: 'acme', mrr_at_start: 340, mrr: 190, ...broken },
      { bucket_type: 'weekly', bucket_date: '2026-03-09', tenant: null, mrr_at_start: 710, mrr: 560, ...broken },
      { bucket_type: 'weekly', bucket_date: '2026-03-09', tenant: 'acme', mrr_at_start: 340, mrr: 190, ...broken },
    ]);
    const acme = await call(
      test,
      'GET',
      `${PREFIX}/revenue/reconciliation?start=2026-03-01&end=2026-03-31&tenant=globex`,
    );
    expect((acme.body as { differences: unknown[] }).differences).toEqual([]);
    const open = { status: 'open', severity: 'critical', value: -100 };
    expect(await alerts()).toEqual([
      { bucket_type: 'daily', bucket_date: '2026-03-10', tenant_id: null, ...open },
      { bucket_type: 'daily', bucket_date: '2026-03-10', tenant_id: 'acme', ...open },
      { bucket_type: 'monthly', bucket_date: '2026-03-01', tenant_id: null, ...open },
      { bucket_type: 'monthly', bucket_date: '2026-03-01', tenant_id: 'acme', ...open },
      { bucket_type: 'weekly', bucket_date: '2026-03-09', tenant_id: null, ...open },
      { bucket_type: 'weekly', bucket_date: '2026-03-09', tenant_id: 'acme', ...open },
    ]);

    await test.dataSource.query(`DELETE FROM metrics_revenue_ledger WHERE cause = 'broken_on_purpose'`);
    await compute();
    expect((await alerts()).map((alert: { status: string }) => alert.status)).toEqual(Array(6).fill('resolved'));
  });

  it('refuses a reversed range and an unknown tenant by name', async () => {
    const reversed = await call(test, 'GET', `${PREFIX}/revenue/reconciliation?start=2026-03-02&end=2026-03-01`);
    expect(reversed.status).toBe(400);
    expect(JSON.stringify(reversed.body)).toContain('start');
    const unknown = await call(
      test,
      'GET',
      `${PREFIX}/revenue/reconciliation?start=2026-03-01&end=2026-03-02&tenant=nobody`,
    );
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('tenant');
  });
});
