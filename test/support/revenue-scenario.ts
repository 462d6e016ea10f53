import {
  customer,
  invoice,
  percentDiscount,
  stripeEvent,
  subscription,
  type StripeEventSpec,
} from './stripe-fixtures.js';

/**
 * A small Stripe history (UTC, 2026) whose revenue numbers are computed by hand in revenue.e2e-spec.ts.
 * Tenant acme: c1, c2, c5, c6, c8; tenant globex: c3, c4, c7, c9.
 *   c1 monthly $100 from 01-05, upgraded to $150 on 01-20 (expansion)
 *   c2 annual $1,200 (MRR 100) from 01-10, downgraded to $600/yr (MRR 50) on 02-03 (contraction)
 *   c3 5 seats × $20 from 01-07, 8 seats on 02-10 (expansion 60)
 *   c4 $200/month with 50% off for 3 months from 01-15 (MRR 100), the coupon ends 04-15 (MRR 200, no event)
 *   c5 trial from 01-01, converts on 01-15 at $50; c6 trial from 01-02 that is canceled on 01-16 (never MRR)
 *   c7 $300 from 01-03, past_due on 02-01 (still counts), canceled 02-20 (churn)
 *   c8 $40 from 01-04, canceled 01-25 (churn), comes back 02-15 at $60 (reactivation), $90 on 02-25
 *   c9 €100/month from 03-01 (EUR at 1.10: MRR 110)
 *   invoices: inv_1 (c1, $150) finalized 02-01, payment failed 02-02, paid 02-04;
 *             inv_2 (c7, $300) finalized 02-01, payment failed 02-08 and 02-15, still open.
 */
const m = (amount: number) => [{ amount }];
const c1 = (amount: number) => subscription('sub_1', 'cus_1', 'active', m(amount));
const c2 = (amount: number) => subscription('sub_2', 'cus_2', 'active', [{ amount, interval: 'year' }]);
const c3 = (quantity: number) => subscription('sub_3', 'cus_3', 'active', [{ amount: 2000, quantity }]);
const c4 = subscription('sub_4', 'cus_4', 'active', m(20000), {
  discounts: [percentDiscount('di_4', 50, '2026-01-15T09:00:00Z', '2026-04-15T09:00:00Z')],
});
const trialing = (id: string, cus: string, amount: number, trialEnd: string) =>
  subscription(id, cus, 'trialing', m(amount), { trial_end: Math.floor(Date.parse(trialEnd) / 1000) });

const specs: StripeEventSpec[] = [
  ...(
    [
      ['cus_1', 'acme'],
      ['cus_2', 'acme'],
      ['cus_3', 'globex'],
      ['cus_4', 'globex'],
      ['cus_5', 'acme'],
      ['cus_6', 'acme'],
      ['cus_7', 'globex'],
      ['cus_8', 'acme'],
      ['cus_9', 'globex'],
    ] as const
  ).map(([id, tenant], index) => ({
    id: `evt_customer_${id}`,
    type: 'customer.created',
    at: `2026-01-01T0${index}:00:00Z`,
    object: customer(id, tenant),
  })),
  { id: 'evt_c1_created', type: 'customer.subscription.created', at: '2026-01-05T10:00:00Z', object: c1(10000) },
  { id: 'evt_c1_upgrade', type: 'customer.subscription.updated', at: '2026-01-20T10:00:00Z', object: c1(15000) },
  { id: 'evt_c2_created', type: 'customer.subscription.created', at: '2026-01-10T10:00:00Z', object: c2(120000) },
  { id: 'evt_c2_downgrade', type: 'customer.subscription.updated', at: '2026-02-03T10:00:00Z', object: c2(60000) },
  { id: 'evt_c3_created', type: 'customer.subscription.created', at: '2026-01-07T10:00:00Z', object: c3(5) },
  { id: 'evt_c3_seats', type: 'customer.subscription.updated', at: '2026-02-10T10:00:00Z', object: c3(8) },
  { id: 'evt_c4_created', type: 'customer.subscription.created', at: '2026-01-15T09:00:00Z', object: c4 },
  {
    id: 'evt_c5_trial',
    type: 'customer.subscription.created',
    at: '2026-01-01T12:00:00Z',
    object: trialing('sub_5', 'cus_5', 5000, '2026-01-15T12:00:00Z'),
  },
  {
    id: 'evt_c5_converted',
    type: 'customer.subscription.updated',
    at: '2026-01-15T12:00:00Z',
    object: subscription('sub_5', 'cus_5', 'active', m(5000)),
  },
  {
    id: 'evt_c6_trial',
    type: 'customer.subscription.created',
    at: '2026-01-02T12:00:00Z',
    object: trialing('sub_6', 'cus_6', 8000, '2026-01-16T12:00:00Z'),
  },
  {
    id: 'evt_c6_ended',
    type: 'customer.subscription.deleted',
    at: '2026-01-16T12:00:00Z',
    object: subscription('sub_6', 'cus_6', 'canceled', m(8000)),
  },
  {
    id: 'evt_c7_created',
    type: 'customer.subscription.created',
    at: '2026-01-03T10:00:00Z',
    object: subscription('sub_7', 'cus_7', 'active', m(30000)),
  },
  {
    id: 'evt_c7_past_due',
    type: 'customer.subscription.updated',
    at: '2026-02-01T10:00:00Z',
    object: subscription('sub_7', 'cus_7', 'past_due', m(30000)),
  },
  {
    id: 'evt_c7_canceled',
    type: 'customer.subscription.deleted',
    at: '2026-02-20T10:00:00Z',
    object: subscription('sub_7', 'cus_7', 'canceled', m(30000)),
  },
  {
    id: 'evt_c8_created',
    type: 'customer.subscription.created',
    at: '2026-01-04T10:00:00Z',
    object: subscription('sub_8', 'cus_8', 'active', m(4000)),
  },
  {
    id: 'evt_c8_canceled',
    type: 'customer.subscription.deleted',
    at: '2026-01-25T10:00:00Z',
    object: subscription('sub_8', 'cus_8', 'canceled', m(4000)),
  },
  {
    id: 'evt_c8_back',
    type: 'customer.subscription.created',
    at: '2026-02-15T10:00:00Z',
    object: subscription('sub_8b', 'cus_8', 'active', m(6000)),
  },
  {
    id: 'evt_c8_more',
    type: 'customer.subscription.updated',
    at: '2026-02-25T10:00:00Z',
    object: subscription('sub_8b', 'cus_8', 'active', m(9000)),
  },
  {
    id: 'evt_c9_created',
    type: 'customer.subscription.created',
    at: '2026-03-01T10:00:00Z',
    object: subscription('sub_9', 'cus_9', 'active', [{ amount: 10000, currency: 'eur' }]),
  },
  {
    id: 'evt_inv1_final',
    type: 'invoice.finalized',
    at: '2026-02-01T11:00:00Z',
    object: invoice('in_1', 'cus_1', 'open', 15000),
  },
  {
    id: 'evt_inv1_failed',
    type: 'invoice.payment_failed',
    at: '2026-02-02T11:00:00Z',
    object: invoice('in_1', 'cus_1', 'open', 15000),
  },
  {
    id: 'evt_inv1_paid',
    type: 'invoice.paid',
    at: '2026-02-04T11:00:00Z',
    object: invoice('in_1', 'cus_1', 'paid', 0),
  },
  {
    id: 'evt_inv2_final',
    type: 'invoice.finalized',
    at: '2026-02-01T11:00:00Z',
    object: invoice('in_2', 'cus_7', 'open', 30000),
  },
  {
    id: 'evt_inv2_failed_1',
    type: 'invoice.payment_failed',
    at: '2026-02-08T11:00:00Z',
    object: invoice('in_2', 'cus_7', 'open', 30000),
  },
  {
    id: 'evt_inv2_failed_2',
    type: 'invoice.payment_failed',
    at: '2026-02-15T11:00:00Z',
    object: invoice('in_2', 'cus_7', 'open', 30000),
  },
];

/** The scenario's events, in the order they happened. */
export const REVENUE_EVENTS = specs
  .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id))
  .map(stripeEvent);
