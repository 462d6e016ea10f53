import { MetricsService } from '@exec-metrics/metrics';
import { REVENUE_EVENTS } from './support/revenue-scenario.js';
import { snapshot } from './support/source-rows.js';
import { deliver, epoch, stripeEvent, subscription, WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Revenue from signed Stripe webhooks, checked against the hand-computed numbers of revenue-scenario.ts.
 * MRR by customer:  c1 100 (01-05) → 150 (01-20);  c2 100 (01-10) → 50 (02-03);  c3 100 (01-07) → 160 (02-10);
 * c4 100 (01-15) → 200 (04-15);  c5 50 (01-15);  c6 never;  c7 300 (01-03) → 0 (02-20);
 * c8 40 (01-04) → 0 (01-25) → 60 (02-15) → 90 (02-25);  c9 €100 = 110 (03-01).
 */
const settings = {
  metrics: {
    stripe: { webhookSecret: WEBHOOK_SECRET },
    rateLimit: false as const,
  },
};
const asOf = new Date('2026-05-10T00:00:00Z');

async function deliverAll(test: TestApp, events: typeof REVENUE_EVENTS) {
  for (const event of events) {
    const answer = await deliver(test, event);
    expect({ id: event.id, status: answer.status }).toEqual({ id: event.id, status: 200 });
  }
}

async function computeSpring(test: TestApp) {
  await call(test, 'PATCH', '/api/system/metrics/config', { body: { currency_rates: { EUR: 1.1 } } });
  await test.app.get(MetricsService).computeRange({ start: '2026-01-01', end: '2026-04-30', asOf });
}

const revenueOf = (row: Record<string, number | null> | undefined, keys: string[]) =>
  Object.fromEntries(keys.map((key) => [key, row?.[key] ?? null]));

describe('revenue from Stripe webhooks', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp(settings);
    await deliverAll(test, REVENUE_EVENTS);
    await computeSpring(test);
  });
  afterAll(() => test.close());

  it('January: new customers, an upgrade, a churn; NRR null without MRR at the start', async () => {
    expect(
      revenueOf(await snapshot(test.dataSource, 'monthly', '2026-01-01', null), [
        'mrr',
        'arr',
        'paying_customers',
        'arpa',
        'mrr_new',
        'mrr_expansion',
        'mrr_contraction',
        'mrr_churn',
        'mrr_reactivation',
        'mrr_net_new',
        'nrr',
        'grr',
        'quick_ratio',
        'stripe_active_subscriptions',
        'stripe_canceled',
      ]),
    ).toEqual({
      mrr: 800,
      arr: 9600,
      paying_customers: 6,
      arpa: 133.33,
      mrr_new: 790, // c7 300, c8 40, c1 100, c3 100, c2 100 (annual ÷ 12), c4 100 (50% off), c5 50 (trial converted)
      mrr_expansion: 50,
      mrr_contraction: 0,
      mrr_churn: 40,
      mrr_reactivation: 0,
      mrr_net_new: 800,
      nrr: null,
      grr: null,
      quick_ratio: 21, // (790 + 50) / 40
      stripe_active_subscriptions: 6,
      stripe_canceled: 2, // c6's trial, c8
    });
  });

  it('February: downgrade, seats, reactivation, past_due then canceled; NRR counts start customers only', async () => {
    expect(
      revenueOf(await snapshot(test.dataSource, 'monthly', '2026-02-01', null), [
        'mrr',
        'paying_customers',
        'mrr_new',
        'mrr_expansion',
        'mrr_contraction',
        'mrr_churn',
        'mrr_reactivation',
        'mrr_net_new',
        'nrr',
        'grr',
        'revenue_churn_rate',
        'quick_ratio',
        'stripe_active_subscriptions',
        'stripe_past_due',
        'stripe_canceled',
        'stripe_failed_payments',
        'outstanding_invoices_count',
        'outstanding_invoices_value',
      ]),
    ).toEqual({
      mrr: 600,
      paying_customers: 6,
      mrr_new: 0,
      mrr_expansion: 90, // c3 +60, c8 +30 after coming back
      mrr_contraction: 50,
      mrr_churn: 300,
      mrr_reactivation: 60,
      mrr_net_new: -200,
      nrr: 63.75, // (800 + 60 − 50 − 300) / 800: c8's +30 is not from a customer paying on 02-01
      grr: 56.25, // (800 − 50 − 300) / 800
      revenue_churn_rate: 43.75,
      quick_ratio: 0.43, // (90 + 60) / 350
      stripe_active_subscriptions: 6,
      stripe_past_due: 0,
      stripe_canceled: 1,
      stripe_failed_payments: 3,
      outstanding_invoices_count: 1,
      outstanding_invoices_value: 300,
    });
  });

  it('days and weeks: past_due still counts, a failed then paid invoice, a weekly NRR', async () => {
    expect(
      revenueOf(await snapshot(test.dataSource, 'daily', '2026-02-02', null), [
        'mrr',
        'stripe_past_due',
        'stripe_failed_payments',
        'outstanding_invoices_count',
        'outstanding_invoices_value',
      ]),
    ).toEqual({
      mrr: 800, // c2's downgrade comes the next day
      stripe_past_due: 1,
      stripe_failed_payments: 1,
      outstanding_invoices_count: 2,
      outstanding_invoices_value: 450,
    });
    expect(
      revenueOf(await snapshot(test.dataSource, 'daily', '2026-02-04', null), ['outstanding_invoices_count']),
    ).toEqual({ outstanding_invoices_count: 1 });
    expect(revenueOf(await snapshot(test.dataSource, 'daily', '2026-01-15', null), ['mrr', 'mrr_new'])).toEqual({
      mrr: 790,
      mrr_new: 150,
    });
    // Week of Monday 01-19: 790 at the start, c1 +50, c8 −40.
    expect(
      revenueOf(await snapshot(test.dataSource, 'weekly', '2026-01-19', null), [
        'nrr',
        'grr',
        'mrr_expansion',
        'mrr_churn',
      ]),
    ).toEqual({ nrr: 101.27, grr: 94.94, mrr_expansion: 50, mrr_churn: 40 });
  });

  it('a coupon that ends raises MRR without any event; euros are converted at the configured rate', async () => {
    expect(revenueOf(await snapshot(test.dataSource, 'monthly', '2026-03-01', null), ['mrr', 'mrr_new'])).toEqual({
      mrr: 710,
      mrr_new: 110,
    });
    expect(
      revenueOf(await snapshot(test.dataSource, 'daily', '2026-04-15', null), ['mrr', 'mrr_expansion', 'nrr']),
    ).toEqual({ mrr: 810, mrr_expansion: 100, nrr: 114.08 }); // (710 + 100) / 710
  });

  it('splits revenue by the tenant in the customer metadata, and the tenants add up to the global view', async () => {
    const keys = ['mrr', 'nrr', 'grr', 'mrr_reactivation', 'mrr_expansion'];
    expect(revenueOf(await snapshot(test.dataSource, 'monthly', '2026-02-01', 'acme'), keys)).toEqual({
      mrr: 340,
      nrr: 83.33, // (300 − 50) / 300
      grr: 83.33,
      mrr_reactivation: 60,
      mrr_expansion: 30,
    });
    expect(revenueOf(await snapshot(test.dataSource, 'monthly', '2026-02-01', 'globex'), keys)).toEqual({
      mrr: 260,
      nrr: 52, // (500 + 60 − 300) / 500
      grr: 40,
      mrr_reactivation: 0,
      mrr_expansion: 60,
    });
  });

  it('keeps a ledger of every MRR change with its cause', async () => {
    const { body } = await call(test, 'GET', '/api/system/metrics/revenue/ledger?customer=cus_4');
    const entries = (body as { entries: { mrr: number; cause: string; effective_at: string }[] }).entries;
    expect(entries.map(({ mrr, cause, effective_at }) => [effective_at, mrr, cause])).toEqual([
      ['2026-01-15T09:00:00.000Z', 100, 'created'],
      ['2026-04-15T09:00:00.000Z', 200, 'discount_ended'],
    ]);
  });

  it('stores an event delivered twice once, and answers 200 both times', async () => {
    const before = await test.dataSource.query(`SELECT count(*)::int AS n FROM metrics_stripe_event`);
    const again = await deliver(test, REVENUE_EVENTS[10]);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ received: true, outcome: 'duplicate' });
    expect(await test.dataSource.query(`SELECT count(*)::int AS n FROM metrics_stripe_event`)).toEqual(before);
  });

  it('refuses a bad signature, a missing one, another secret and a stale timestamp with 400, storing nothing', async () => {
    const event = stripeEvent({
      id: 'evt_forged',
      type: 'customer.subscription.created',
      at: '2026-03-01T00:00:00Z',
      object: subscription('sub_forged', 'cus_1', 'active', [{ amount: 999999 }]),
    });
    const stale = Math.floor(Date.now() / 1000) - 3600;
    for (const options of [
      { signature: 't=1,v1=deadbeef' },
      { signature: null },
      { secret: 'whsec_someone_else' },
      { timestamp: stale },
    ]) {
      const answer = await deliver(test, event, options);
      expect(answer.status).toBe(400);
      expect((answer.body as { message: string }).message).toMatch(/stripe-signature/);
    }
    const stored = await test.dataSource.query(
      `SELECT (SELECT count(*) FROM metrics_stripe_event WHERE id = 'evt_forged')::int AS events,
              (SELECT count(*) FROM metrics_billing_subscription_state WHERE subscription_id = 'sub_forged')::int AS states`,
    );
    expect(stored).toEqual([{ events: 0, states: 0 }]);
  });

  it('says which currencies have no rate instead of silently dropping them', async () => {
    await deliver(
      test,
      stripeEvent({
        id: 'evt_gbp',
        type: 'customer.subscription.created',
        at: '2026-04-20T00:00:00Z',
        object: subscription('sub_gbp', 'cus_3', 'active', [{ amount: 5000, currency: 'gbp' }]),
      }),
    );
    const { body } = await call(test, 'GET', '/api/system/metrics/summary?start=2026-04-01&end=2026-04-30');
    expect((body as { unavailable: Record<string, string> }).unavailable.currency_rates).toMatch(/GBP/);
    expect(epoch('2026-01-01T00:00:00Z')).toBe(1767225600);
  });
});

describe('revenue from webhooks delivered in reverse order', () => {
  it('gives exactly the same snapshots as in-order delivery', async () => {
    const digest = async (test: TestApp) =>
      test.dataSource.query(
        `SELECT bucket_type, bucket_date::text, tenant_id, mrr::float8, mrr_new::float8, mrr_expansion::float8,
                mrr_contraction::float8, mrr_churn::float8, mrr_reactivation::float8, nrr::float8, grr::float8,
                stripe_active_subscriptions, stripe_past_due, outstanding_invoices_count
         FROM system_metrics_snapshot ORDER BY 1, 2, 3 NULLS FIRST`,
      );
    const inOrder = await createTestApp(settings);
    const reversed = await createTestApp(settings);
    try {
      await deliverAll(inOrder, REVENUE_EVENTS);
      await deliverAll(reversed, [...REVENUE_EVENTS].reverse());
      await computeSpring(inOrder);
      await computeSpring(reversed);
      const expected = await digest(inOrder);
      expect(expected.length).toBeGreaterThan(100);
      expect(await digest(reversed)).toEqual(expected);
    } finally {
      await inOrder.close();
      await reversed.close();
    }
  });
});
