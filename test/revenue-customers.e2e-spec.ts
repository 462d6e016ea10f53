import { MetricsService } from '@exec-metrics/metrics';
import { REVENUE_EVENTS } from './support/revenue-scenario.js';
import { snapshot } from './support/source-rows.js';
import { deliver, WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/**
 * The customer drill-down and currencies on revenue-scenario.ts. MRR now: c1 150, c2 50, c5 50, c8 90, c6 never
 * paid (acme); c4 200 (its coupon ended), c3 160, c9 €100 = 110 at 1.10, c7 churned (globex).
 */
const PREFIX = '/api/system/metrics';
const asOf = new Date('2026-05-10T00:00:00Z');
type Customer = { customer: string; mrr: number | null; status: string; first_paid: string | null };

describe('revenue customers', () => {
  let test: TestApp;
  const list = async (query: string) => {
    const answer = await call(test, 'GET', `${PREFIX}/revenue/customers${query}`);
    expect(answer.status).toBe(200);
    return answer.body as { total: number; customers: Customer[] };
  };

  beforeAll(async () => {
    test = await createTestApp({ metrics: { stripe: { webhookSecret: WEBHOOK_SECRET }, rateLimit: false } });
    for (const event of REVENUE_EVENTS) expect((await deliver(test, event)).status).toBe(200);
    await call(test, 'PATCH', `${PREFIX}/config`, { body: { currency_rates: { EUR: 1.1 } } });
    await test.app.get(MetricsService).computeRange({ start: '2026-01-01', end: '2026-04-30', asOf });
  });
  afterAll(() => test.close());

  it('lists customers by MRR, per tenant, with paging', async () => {
    const all = await list('');
    expect(all.total).toBe(9);
    expect(all.customers.map(({ customer, mrr, status }) => [customer, mrr, status])).toEqual([
      ['cus_4', 200, 'paying'],
      ['cus_3', 160, 'paying'],
      ['cus_1', 150, 'paying'],
      ['cus_9', 110, 'paying'],
      ['cus_8', 90, 'paying'],
      ['cus_2', 50, 'paying'],
      ['cus_5', 50, 'paying'],
      ['cus_6', 0, 'never_paid'],
      ['cus_7', 0, 'churned'],
    ]);
    const page = await list('?tenant=globex&limit=2&offset=1');
    expect(page).toMatchObject({ total: 4 });
    expect(page.customers.map((customer) => customer.customer)).toEqual(['cus_3', 'cus_9']);
    const byFirstPaid = await list('?tenant=acme&sort=first_paid');
    expect(byFirstPaid.customers.map(({ customer, first_paid }) => [customer, first_paid])).toEqual([
      ['cus_8', '2026-01-04T10:00:00.000Z'],
      ['cus_1', '2026-01-05T10:00:00.000Z'],
      ['cus_2', '2026-01-10T10:00:00.000Z'],
      ['cus_5', '2026-01-15T12:00:00.000Z'],
      ['cus_6', null],
    ]);
  });

  it('shows a customer in its own currency and the reporting one, with plans, and its movements by day', async () => {
    const nine = await call(test, 'GET', `${PREFIX}/revenue/customers/cus_9`);
    expect((nine.body as { customer: unknown }).customer).toEqual({
      customer: 'cus_9',
      tenant: 'globex',
      name: 'Customer cus_9',
      source: 'stripe',
      mrr: 110,
      mrr_in_currency: 100,
      currency: 'EUR',
      plans: ['price_10000_month'],
      status: 'paying',
      subscription_statuses: ['active'],
      first_paid: '2026-03-01T10:00:00.000Z',
      last_movement: '2026-03-01T10:00:00.000Z',
    });
    const { body } = await call(test, 'GET', `${PREFIX}/revenue/customers/cus_8`);
    const eight = body as { customer: { plans: string[] }; movements: unknown[]; ledger: unknown[] };
    expect(eight.customer.plans).toEqual(['price_9000_month']); // the canceled first subscription has no plan now
    expect(eight.movements).toEqual([
      { day: '2026-01-04', mrr_before: 0, mrr_after: 40, movement: 'new' },
      { day: '2026-01-25', mrr_before: 40, mrr_after: 0, movement: 'churn' },
      { day: '2026-02-15', mrr_before: 0, mrr_after: 60, movement: 'reactivation' },
      { day: '2026-02-25', mrr_before: 60, mrr_after: 90, movement: 'expansion' },
    ]);
    expect(eight.ledger).toHaveLength(4);
  });

  it('breaks MRR down by plan at the end of each day, week and month; the plans add up to MRR', async () => {
    const series = async (bucket: string, start: string, end: string, tenant = '') => {
      const { status, body } = await call(
        test,
        'GET',
        `${PREFIX}/timeseries?metric=mrr&breakdown=plan&bucket=${bucket}&start=${start}&end=${end}${tenant}`,
      );
      expect(status).toBe(200);
      const answer = body as {
        series: { mrr: { date: string; value: number }[] };
        breakdowns: { plan: { date: string; value: Record<string, number> }[] };
      };
      answer.breakdowns.plan.forEach((point, index) => {
        const total = Object.values(point.value).reduce((sum, mrr) => sum + mrr, 0);
        expect([point.date, Math.round(total * 100) / 100]).toEqual([point.date, answer.series.mrr[index].value]);
      });
      return answer.breakdowns.plan.map((point) => [point.date, point.value]);
    };
    const january = {
      price_15000_month: 150, // c1 after its upgrade
      price_120000_year: 100, // c2
      price_2000_month: 100, // c3, 5 seats
      price_20000_month: 100, // c4 with 50% off
      price_5000_month: 50, // c5
      price_30000_month: 300, // c7
    };
    const february = {
      ...january,
      price_30000_month: undefined,
      price_120000_year: undefined,
      price_60000_year: 50, // c2 downgraded
      price_2000_month: 160, // c3, 8 seats
      price_9000_month: 90, // c8 back
    };
    const clean = (plans: Record<string, number | undefined>) =>
      Object.fromEntries(Object.entries(plans).filter(([, mrr]) => mrr !== undefined));
    expect(await series('monthly', '2026-01-01', '2026-04-30')).toEqual([
      ['2026-01-01', january],
      ['2026-02-01', clean(february)],
      ['2026-03-01', clean({ ...february, price_10000_month: 110 })], // c9's €100
      ['2026-04-01', clean({ ...february, price_10000_month: 110, price_20000_month: 200 })],
    ]);
    expect(await series('daily', '2026-01-20', '2026-01-20')).toEqual([
      ['2026-01-20', { ...january, price_4000_month: 40 }], // c8 before its cancellation
    ]);
    expect(await series('weekly', '2026-02-23', '2026-02-23')).toEqual([
      ['2026-02-23', clean({ ...february, price_10000_month: 110 })], // the week ends on 03-01
    ]);
    expect(await series('monthly', '2026-03-01', '2026-03-31', '&tenant=globex')).toEqual([
      ['2026-03-01', { price_2000_month: 160, price_20000_month: 100, price_10000_month: 110 }],
    ]);
  });

  it('answers 404 for a customer without revenue and 400 for a malformed id or parameter', async () => {
    expect((await call(test, 'GET', `${PREFIX}/revenue/customers/cus_nobody`)).status).toBe(404);
    const bad = await call(test, 'GET', `${PREFIX}/revenue/customers/bad%20id`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('id');
    for (const [query, field] of [
      ['?sort=price', 'sort'],
      ['?limit=0', 'limit'],
      ['?offset=-1', 'offset'],
      ['?tenant=a%20b', 'tenant'],
    ]) {
      const answer = await call(test, 'GET', `${PREFIX}/revenue/customers${query}`);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain(field);
    }
  });

  it('a rate change: the ledger keeps euros; snapshots restate history at the new rate when recomputed', async () => {
    await call(test, 'PATCH', `${PREFIX}/config`, { body: { currency_rates: { EUR: 1.2 } } });
    const ledger = await call(test, 'GET', `${PREFIX}/revenue/ledger?customer=cus_9`);
    expect((ledger.body as { entries: unknown[] }).entries).toEqual([
      expect.objectContaining({ currency: 'EUR', mrr: 100 }),
    ]);
    // Reads that convert on the fly use the new rate at once …
    const nine = await call(test, 'GET', `${PREFIX}/revenue/customers/cus_9`);
    expect((nine.body as { customer: { mrr: number } }).customer.mrr).toBe(120);
    // … stored snapshots keep the rate they were computed with until they are computed again,
    expect((await snapshot(test.dataSource, 'monthly', '2026-03-01', null))?.mrr).toBe(710);
    // and then the whole history is at the one configured rate (no rate per date): March's new euro MRR too.
    await test.app.get(MetricsService).computeRange({ start: '2026-01-01', end: '2026-04-30', asOf });
    const march = await snapshot(test.dataSource, 'monthly', '2026-03-01', null);
    expect({ mrr: march?.mrr, mrr_new: march?.mrr_new }).toEqual({ mrr: 720, mrr_new: 120 });
  });
});
