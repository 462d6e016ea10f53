import { MetricsService, StripeSyncService } from '@exec-metrics/metrics';
import { FakeStripe } from './support/fake-stripe.js';
import { snapshot } from './support/source-rows.js';
import { customer, epoch, invoice, subscription } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

describe('Stripe sync against a local Stripe-shaped server', () => {
  const stripe = new FakeStripe();
  let test: TestApp;

  beforeAll(async () => {
    const port = await stripe.start();
    test = await createTestApp({
      metrics: {
        stripe: { secretKey: 'sk_test_local', apiHost: '127.0.0.1', apiPort: port, apiProtocol: 'http' },
        rateLimit: false,
      },
    });
    test.app.get(StripeSyncService).retryPolicy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50 };
    stripe.data = {
      customers: [customer('cus_a', 't1'), customer('cus_b', 't2'), customer('cus_c', 't1')],
      subscriptions: [
        subscription('sub_a', 'cus_a', 'active', [{ amount: 10000 }], { start_date: epoch('2026-01-10T00:00:00Z') }),
        subscription('sub_b', 'cus_b', 'canceled', [{ amount: 5000 }], {
          start_date: epoch('2026-01-05T00:00:00Z'),
          ended_at: epoch('2026-02-10T00:00:00Z'),
        }),
        subscription('sub_c', 'cus_a', 'active', [{ amount: 3000 }], {
          start_date: epoch('2026-01-01T00:00:00Z'),
          trial_start: epoch('2026-01-01T00:00:00Z'),
          trial_end: epoch('2026-01-15T00:00:00Z'),
        }),
        subscription('sub_d', 'cus_c', 'incomplete_expired', [{ amount: 9900 }], {
          start_date: epoch('2026-01-20T00:00:00Z'),
          ended_at: epoch('2026-01-21T00:00:00Z'),
        }),
      ],
      invoices: [{ ...invoice('in_a', 'cus_a', 'open', 10000), created: epoch('2026-02-01T00:00:00Z') }],
    };
  });
  afterAll(async () => {
    await test.close();
    await stripe.stop();
  });

  it('pages through every list, retries the 429, and rebuilds the history of a fresh install', async () => {
    const { status, body } = await call(test, 'POST', '/api/system/metrics/stripe/sync');
    expect(status).toBe(200);
    expect(body).toEqual({
      customers: 3,
      subscriptions: 4,
      open_invoices: 1,
      rebuilt_subscriptions: 4,
      reconciled: 1,
      retries: 1,
    });
    expect(stripe.requests.filter((line) => line.startsWith('GET /v1/subscriptions'))).toHaveLength(3);

    await test.app
      .get(MetricsService)
      .computeRange({ start: '2026-01-01', end: '2026-02-28', asOf: new Date('2026-03-10T00:00:00Z') });
    const keys = [
      'mrr',
      'mrr_new',
      'mrr_expansion',
      'mrr_churn',
      'outstanding_invoices_count',
      'outstanding_invoices_value',
    ];
    const pick = (row: Record<string, number | null> | undefined) =>
      Object.fromEntries(keys.map((key) => [key, row?.[key]]));
    // cus_b 50 from 01-05 to 02-10; cus_a 100 from 01-10, +30 when sub_c's trial ends on 01-15; sub_d never paid.
    expect(pick(await snapshot(test.dataSource, 'monthly', '2026-01-01', null))).toEqual({
      mrr: 180,
      mrr_new: 150,
      mrr_expansion: 30,
      mrr_churn: 0,
      outstanding_invoices_count: 0,
      outstanding_invoices_value: 0,
    });
    expect(pick(await snapshot(test.dataSource, 'monthly', '2026-02-01', null))).toEqual({
      mrr: 130,
      mrr_new: 0,
      mrr_expansion: 0,
      mrr_churn: 50,
      outstanding_invoices_count: 1,
      outstanding_invoices_value: 100,
    });
    expect((await snapshot(test.dataSource, 'monthly', '2026-02-01', 't1'))?.mrr).toBe(130);
  });

  it('reconciles what changed since: a new price, and an invoice that got paid', async () => {
    stripe.data.subscriptions[0] = subscription('sub_a', 'cus_a', 'active', [{ amount: 12000 }], {
      start_date: epoch('2026-01-10T00:00:00Z'),
    });
    stripe.data.invoices = [{ ...invoice('in_a', 'cus_a', 'paid', 0), created: epoch('2026-02-01T00:00:00Z') }];
    const { body } = await call(test, 'POST', '/api/system/metrics/stripe/sync');
    expect(body).toMatchObject({ rebuilt_subscriptions: 0, reconciled: 2, open_invoices: 0 });
    const ledger = await call(test, 'GET', '/api/system/metrics/revenue/ledger?customer=cus_a');
    const entries = (ledger.body as { entries: { subscription: string; mrr: number; cause: string }[] }).entries;
    expect(entries.filter((entry) => entry.subscription === 'sub_a').map(({ mrr, cause }) => [mrr, cause])).toEqual([
      [100, 'history_started'],
      [120, 'sync'],
    ]);
    const again = await call(test, 'POST', '/api/system/metrics/stripe/sync');
    expect(again.body).toMatchObject({ rebuilt_subscriptions: 0, reconciled: 0 });
  });

  it('is admin only and audited', async () => {
    expect((await call(test, 'POST', '/api/system/metrics/stripe/sync', { token: null })).status).toBe(401);
    expect((await call(test, 'POST', '/api/system/metrics/stripe/sync', { token: test.ingestToken })).status).toBe(403);
    const [{ n }] = await test.dataSource.query(
      `SELECT count(*)::int AS n FROM metrics_audit_log WHERE action = 'stripe_sync' AND outcome = 200`,
    );
    expect(n).toBe(3);
  });
});
