import { MetricsService } from '../libs/metrics/src/index.js';
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
