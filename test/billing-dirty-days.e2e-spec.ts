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
  /** March's rows the catch-up of [from, 31 March] wrote: its days, and the weeks and the month holding them. */
  const rowsFrom = async (from: string) =>
    test.dataSource.query(
      `SELECT bucket_type, bucket_date::text AS day, tenant_id, mrr::float8 AS mrr, paying_customers
       FROM system_metrics_snapshot
       WHERE bucket_date BETWEEN CASE bucket_type WHEN 'daily' THEN $1::date
                                                  WHEN 'weekly' THEN date_trunc('week', $1::date)::date
                                                  ELSE date_trunc('month', $1::date)::date END
                             AND '2026-03-31'
       ORDER BY bucket_type, bucket_date, tenant_id NULLS FIRST`,
      [from],
    );
  /**
   * The rows the catch-up from `from` left equal those of March computed from scratch (its rows deleted first). The
   * days before `from` are left out: a scratch run also gives a tenant zero rows on the days before its first data.
   */
  const expectSameAsFromScratch = async (from: string) => {
    const caughtUp = await rowsFrom(from);
    await test.dataSource.query(
      `DELETE FROM system_metrics_snapshot WHERE bucket_date BETWEEN '2026-02-23' AND '2026-03-31'`,
    );
    await test.app
      .get(MetricsService)
      .computeRange({ start: '2026-03-01', end: '2026-03-31', asOf: new Date('2026-04-10T00:00:00Z') });
    expect(caughtUp).toEqual(await rowsFrom(from));
  };

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

  it('a Stripe customer moved to another tenant on 2 April marks its whole history from 25 March', async () => {
    const moved = stripeEvent({
      id: 'evt_dirty_customer_moved',
      type: 'customer.updated',
      at: '2026-04-02T09:00:00Z',
      object: customer('cus_dirty', 't3'),
    });
    expect((await deliver(test, moved)).body).toMatchObject({ outcome: 'applied' });
    // The event's own day is not computed; the days its history reaches are.
    expect(await dirtyDays()).toEqual(march(25));

    // An hour on: a catch-up claims its range once per hour, and the test above ran this range this hour.
    await test.app.get(MetricsScheduler).catchUp(new Date(Date.now() + 3_600_000));
    expect(await mrrOf('2026-03-25', 't3')).toBe(50);
    expect(await mrrOf('2026-03-31', 't3')).toBe(50);
    expect(await mrrOf('2026-03-31', 't2')).toBeUndefined(); // t2 has nothing left: its rows are gone
    expect(await dirtyDays()).toEqual([]);
    await expectSameAsFromScratch('2026-03-25');
  });

  it('a manual customer given another tenant marks its history from its first entry; the same tenant marks nothing', async () => {
    const entry = (tenant: string) =>
      call(test, 'POST', '/api/system/metrics/revenue/entries', {
        body: { customer: 'acme', tenant, mrr: 1000, effective_date: '2026-04-01' },
      });
    expect((await entry('t1')).status).toBe(201);
    expect(await dirtyDays()).toEqual([]); // 1 April is not computed, and acme stays with t1

    expect((await entry('t4')).status).toBe(201);
    expect(await dirtyDays()).toEqual(march(20));
    await test.app.get(MetricsScheduler).catchUp(new Date(Date.now() + 3_600_000));
    expect(await mrrOf('2026-03-20', 't4')).toBe(1000);
    expect(await mrrOf('2026-03-31', 't1')).toBeUndefined();
    await expectSameAsFromScratch('2026-03-20');
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
