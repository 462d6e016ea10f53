import { fullMrr, mrrAt, subscriptionTerms } from './subscription-mrr.js';
import type { StripeSubscription } from './stripe-objects.js';

const item = (amount: number, interval: string, count = 1, quantity = 1, extra: object = {}) => ({
  quantity,
  price: { id: `p_${amount}`, currency: 'usd', unit_amount: amount, recurring: { interval, interval_count: count } },
  ...extra,
});
const sub = (items: object[], extra: Partial<StripeSubscription> = {}): StripeSubscription => ({
  id: 'sub',
  customer: 'cus',
  status: 'active',
  currency: 'usd',
  items: { data: items },
  ...extra,
});
const mrr = (subscription: StripeSubscription, at = Date.parse('2026-06-01T00:00:00Z')) =>
  mrrAt(subscriptionTerms(subscription, 'tenant_id'), at);

describe('MRR of a Stripe subscription (metrics.md normalisation)', () => {
  it('normalises every interval to a month', () => {
    expect(mrr(sub([item(1000, 'week')]))).toBe(43.3333); // 10 × 52 / 12
    expect(mrr(sub([item(100, 'day')]))).toBe(30.4167); // 1 × 365 / 12
    expect(mrr(sub([item(30000, 'month', 3)]))).toBe(100); // every 3 months ÷ 3
    expect(mrr(sub([item(120000, 'year')]))).toBe(100);
    expect(mrr(sub([item(240000, 'year', 2)]))).toBe(100);
  });

  it('multiplies by quantity and adds items; metered items have no fixed amount', () => {
    const metered = {
      price: { unit_amount: 5, currency: 'usd', recurring: { interval: 'month', usage_type: 'metered' } },
    };
    expect(mrr(sub([item(2000, 'month', 1, 5), item(1500, 'month'), metered]))).toBe(115);
  });

  it('reads zero-decimal currencies and the legacy plan field', () => {
    const yen = { quantity: 1, price: { unit_amount: 1200, currency: 'jpy', recurring: { interval: 'month' } } };
    expect(mrr(sub([yen], { currency: 'jpy' }))).toBe(1200);
    expect(mrr(sub([{ quantity: 2, plan: { amount: 2500, interval: 'month', interval_count: 1 } }]))).toBe(50);
  });

  it('applies percent and amount-off discounts while they last', () => {
    const start = Date.parse('2026-01-01T00:00:00Z') / 1000;
    const end = Date.parse('2026-04-01T00:00:00Z') / 1000;
    const percent = { id: 'd1', start, end, coupon: { percent_off: 25, duration: 'repeating' } };
    const amount = {
      id: 'd2',
      start,
      end: null,
      source: { coupon: { amount_off: 12000, currency: 'usd', duration: 'forever' } },
    };
    const yearly = sub([item(120000, 'year')], { discount: percent, discounts: [percent, amount] });
    expect(mrr(yearly, Date.parse('2026-02-01T00:00:00Z'))).toBe(65); // 100 × 0.75 − 120 / 12
    expect(mrr(yearly, Date.parse('2026-04-01T00:00:00Z'))).toBe(90); // the 25% ended
    expect(fullMrr(subscriptionTerms(yearly, 'tenant_id'))).toBe(100);
    expect(mrr(sub([item(1000, 'month')], { discounts: [{ ...amount, id: 'd3' }] }))).toBe(0); // never below 0
  });

  it('counts only active and past_due subscriptions', () => {
    for (const status of ['trialing', 'incomplete', 'incomplete_expired', 'canceled', 'unpaid', 'paused']) {
      expect(mrr(sub([item(1000, 'month')], { status }))).toBe(0);
    }
    expect(mrr(sub([item(1000, 'month')], { status: 'past_due' }))).toBe(10);
  });
});
