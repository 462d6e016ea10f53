import { MetricsScheduler, MetricsService } from '@exec-metrics/metrics';
import { snapshot } from './support/source-rows.js';
import { customer, deliver, stripeEvent, subscription, WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/**
 * A billing change dated in the past changes that day's revenue and every later day's (MRR is a running total):
 * the days already computed from then on are marked dirty in the change's transaction, and the next catch-up
 * recomputes them, so the tenant's day shows the revenue without anyone asking for a backfill.
 */
describe('a past-dated billing change marks the computed days it reaches', () => {
  let test: TestApp;

  const dirtyDays = async () =>
    (await test.dataSource.query(`SELECT day::text AS day FROM metrics_dirty_day ORDER BY day`)).map(
      (row: { day: string }) => row.day,
    );
  const march = (from: number) =>
    Array.from({ length: 32 - from }, (_, index) => `2026-03-${String(from + index).padStart(2, '0')}`);
  const mrrOf = async (day: string, tenant: string) => (await snapshot(test.dataSource, 'daily', day, tenant))?.mrr;

  beforeAll(async () => {
    test = await createTestApp({
      metrics: { stripe: { webhookSecret: WEBHOOK_SECRET }, rateLimit: false, alerts: { enabled: false } },
    });
    // March is computed before any revenue exists; nothing is dirty yet.
    await test.app
      .get(MetricsService)
      .computeRange({ start: '2026-03-01', end: '2026-03-31', asOf: new Date('2026-04-10T00:00:00Z') });
    expect(await dirtyDays()).toEqual([]);
  });
  afterAll(() => test.close());

  it('a manual revenue entry for 20 March marks 20..31 March; the catch-up gives the tenant its MRR', async () => {
    const answer = await call(test, 'POST', '/api/system/metrics/revenue/entries', {
      body: { customer: 'acme', tenant: 't1', mrr: 1000, effective_date: '2026-03-20' },
    });
    expect(answer.status).toBe(201);
    expect(await dirtyDays()).toEqual(march(20));
    expect(await mrrOf('2026-03-20', 't1')).not.toBe(1000); // computed before the entry

    const runs = await test.app.get(MetricsScheduler).catchUp();
    expect(runs.map((run) => [run.trigger, run.start, run.end, run.status])).toEqual([
      ['catch_up', '2026-03-20', '2026-03-31', 'succeeded'],
    ]);
    expect(await mrrOf('2026-03-19', 't1')).not.toBe(1000);
    expect(await mrrOf('2026-03-20', 't1')).toBe(1000);
    expect(await mrrOf('2026-03-31', 't1')).toBe(1000);
    expect(await dirtyDays()).toEqual([]);
  });

  it('a Stripe webhook event of 25 March marks 25..31 March; the catch-up gives the tenant its MRR', async () => {
    const events = [
      stripeEvent({
        id: 'evt_dirty_customer',
        type: 'customer.created',
        at: '2026-03-25T11:00:00Z',
        object: customer('cus_dirty', 't2'),
      }),
      stripeEvent({
        id: 'evt_dirty_subscription',
        type: 'customer.subscription.created',
        at: '2026-03-25T12:00:00Z',
        object: subscription('sub_dirty', 'cus_dirty', 'active', [{ amount: 5000 }], { metadata: { tenant_id: 't2' } }),
      }),
    ];
    for (const event of events) expect((await deliver(test, event)).body).toMatchObject({ outcome: 'applied' });
    expect(await dirtyDays()).toEqual(march(25));
    expect(await mrrOf('2026-03-25', 't2')).not.toBe(50);

    const runs = await test.app.get(MetricsScheduler).catchUp();
    expect(runs.map((run) => [run.trigger, run.start, run.end, run.status])).toEqual([
      ['catch_up', '2026-03-25', '2026-03-31', 'succeeded'],
    ]);
    expect(await mrrOf('2026-03-24', 't2')).not.toBe(50);
    expect(await mrrOf('2026-03-25', 't2')).toBe(50);
    expect(await mrrOf('2026-03-31', 't2')).toBe(50);
    expect(await mrrOf('2026-03-31', 't1')).toBe(1000); // the manual revenue stays
    expect(await dirtyDays()).toEqual([]);
  });

  it('a redelivered event changes nothing and marks nothing', async () => {
    const again = stripeEvent({
      id: 'evt_dirty_subscription',
      type: 'customer.subscription.created',
      at: '2026-03-25T12:00:00Z',
      object: subscription('sub_dirty', 'cus_dirty', 'active', [{ amount: 5000 }], { metadata: { tenant_id: 't2' } }),
    });
    expect((await deliver(test, again)).body).toMatchObject({ outcome: 'duplicate' });
    expect(await dirtyDays()).toEqual([]);
  });
});
