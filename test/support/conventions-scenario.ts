import { couponDiscount, customer, stripeEvent, subscription, type StripeEventSpec } from './stripe-fixtures.js';

/**
 * A Stripe history (UTC, 2026, tenant acme) whose numbers differ by revenue convention; hand-computed in
 * revenue-conventions.e2e-spec.ts.
 *   d1 $100/month from 01-05 10:00 with 50% off `once` (one billing period: until 02-05 10:00)
 *   d2 $200/month from 01-06 10:00 with 25% off `repeating` until 04-06 10:00
 *   d3 $80/month from 01-07 10:00 with $20 off `forever`
 *   p10 $100/month from 01-02, past_due 02-01 10:00, paid after 10 days (02-11 10:00)
 *   p30 $300/month from 01-03, past_due 02-01 10:00, canceled after 32 days (03-05 10:00)
 *   p45 $50/month from 01-04, past_due 02-01 10:00, paid after 45 days (03-18 10:00)
 *   r1 $40/month from 01-08, canceled 01-20, a new $60 subscription 02-15 (a reactivation)
 */
const monthly = (id: string, cus: string, status: string, amount: number, extra: Record<string, unknown> = {}) =>
  subscription(id, cus, status, [{ amount }], extra);

const d1 = monthly('sub_d1', 'cus_d1', 'active', 10000, {
  discounts: [couponDiscount('di_d1', { percent_off: 50, duration: 'once' }, '2026-01-05T10:00:00Z')],
});
const d2 = monthly('sub_d2', 'cus_d2', 'active', 20000, {
  discounts: [
    couponDiscount(
      'di_d2',
      { percent_off: 25, duration: 'repeating', duration_in_months: 3 },
      '2026-01-06T10:00:00Z',
      '2026-04-06T10:00:00Z',
    ),
  ],
});
const d3 = monthly('sub_d3', 'cus_d3', 'active', 8000, {
  discounts: [couponDiscount('di_d3', { amount_off: 2000, duration: 'forever' }, '2026-01-07T10:00:00Z')],
});

const pastDue = (name: string, amount: number, createdAt: string, endAt: string, end: 'active' | 'canceled') => [
  {
    id: `evt_${name}_created`,
    type: 'customer.subscription.created',
    at: createdAt,
    object: monthly(`sub_${name}`, `cus_${name}`, 'active', amount),
  },
  {
    id: `evt_${name}_past_due`,
    type: 'customer.subscription.updated',
    at: '2026-02-01T10:00:00Z',
    object: monthly(`sub_${name}`, `cus_${name}`, 'past_due', amount),
  },
  {
    id: `evt_${name}_${end}`,
    type: end === 'active' ? 'customer.subscription.updated' : 'customer.subscription.deleted',
    at: endAt,
    object: monthly(`sub_${name}`, `cus_${name}`, end, amount),
  },
];

const specs: StripeEventSpec[] = [
  ...['d1', 'd2', 'd3', 'p10', 'p30', 'p45', 'r1'].map((name) => ({
    id: `evt_customer_${name}`,
    type: 'customer.created',
    at: '2026-01-01T00:00:00Z',
    object: customer(`cus_${name}`, 'acme'),
  })),
  { id: 'evt_d1_created', type: 'customer.subscription.created', at: '2026-01-05T10:00:00Z', object: d1 },
  { id: 'evt_d2_created', type: 'customer.subscription.created', at: '2026-01-06T10:00:00Z', object: d2 },
  { id: 'evt_d3_created', type: 'customer.subscription.created', at: '2026-01-07T10:00:00Z', object: d3 },
  ...pastDue('p10', 10000, '2026-01-02T10:00:00Z', '2026-02-11T10:00:00Z', 'active'),
  ...pastDue('p30', 30000, '2026-01-03T10:00:00Z', '2026-03-05T10:00:00Z', 'canceled'),
  ...pastDue('p45', 5000, '2026-01-04T10:00:00Z', '2026-03-18T10:00:00Z', 'active'),
  {
    id: 'evt_r1_created',
    type: 'customer.subscription.created',
    at: '2026-01-08T10:00:00Z',
    object: monthly('sub_r1', 'cus_r1', 'active', 4000),
  },
  {
    id: 'evt_r1_canceled',
    type: 'customer.subscription.deleted',
    at: '2026-01-20T10:00:00Z',
    object: monthly('sub_r1', 'cus_r1', 'canceled', 4000),
  },
  {
    id: 'evt_r1_back',
    type: 'customer.subscription.created',
    at: '2026-02-15T10:00:00Z',
    object: monthly('sub_r1b', 'cus_r1', 'active', 6000),
  },
];

export const CONVENTION_EVENTS = specs
  .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id))
  .map(stripeEvent);
