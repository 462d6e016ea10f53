import Stripe from 'stripe';
import { call, type TestApp } from './test-app.js';

/** Stripe-shaped objects and signed webhook deliveries for tests (the payloads Stripe sends, trimmed). */
export const WEBHOOK_SECRET = 'whsec_test_exec_metrics';

export const epoch = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

export interface ItemSpec {
  amount: number;
  interval?: 'day' | 'week' | 'month' | 'year';
  count?: number;
  quantity?: number;
  currency?: string;
}

export function subscription(
  id: string,
  customer: string,
  status: string,
  items: ItemSpec[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    object: 'subscription',
    customer,
    status,
    currency: (items[0]?.currency ?? 'usd').toLowerCase(),
    items: {
      object: 'list',
      data: items.map((item, index) => ({
        id: `${id}_item_${index}`,
        object: 'subscription_item',
        quantity: item.quantity ?? 1,
        price: {
          id: `price_${item.amount}_${item.interval ?? 'month'}`,
          object: 'price',
          currency: (item.currency ?? 'usd').toLowerCase(),
          unit_amount: item.amount,
          recurring: { interval: item.interval ?? 'month', interval_count: item.count ?? 1, usage_type: 'licensed' },
        },
      })),
    },
    discounts: [],
    metadata: {},
    ...extra,
  };
}

export function percentDiscount(id: string, percent: number, startIso: string, endIso: string | null) {
  return {
    id,
    object: 'discount',
    start: epoch(startIso),
    end: endIso ? epoch(endIso) : null,
    source: {
      type: 'coupon',
      coupon: { id: `coupon_${id}`, object: 'coupon', percent_off: percent, duration: 'repeating' },
    },
  };
}

export interface CouponSpec {
  percent_off?: number;
  /** In cents of the subscription's currency. */
  amount_off?: number;
  duration: 'once' | 'repeating' | 'forever';
  duration_in_months?: number;
}

/** A discount as Stripe sends it: `end` is set for repeating coupons only (once and forever have none). */
export function couponDiscount(id: string, coupon: CouponSpec, startIso: string, endIso: string | null = null) {
  return {
    id,
    object: 'discount',
    start: epoch(startIso),
    end: endIso ? epoch(endIso) : null,
    source: {
      type: 'coupon',
      coupon: { id: `coupon_${id}`, object: 'coupon', currency: coupon.amount_off ? 'usd' : null, ...coupon },
    },
  };
}

export const customer = (id: string, tenant: string | null) => ({
  id,
  object: 'customer',
  name: `Customer ${id}`,
  email: `${id}@example.com`,
  metadata: tenant ? { tenant_id: tenant } : {},
});

export const invoice = (id: string, customerId: string, status: string, remaining: number, currency = 'usd') => ({
  id,
  object: 'invoice',
  customer: customerId,
  status,
  currency,
  amount_due: remaining,
  amount_remaining: remaining,
});

export interface StripeEventSpec {
  id: string;
  type: string;
  at: string;
  object: Record<string, unknown>;
}

export const stripeEvent = (spec: StripeEventSpec) => ({
  id: spec.id,
  object: 'event',
  api_version: '2026-10-28.endive',
  type: spec.type,
  created: epoch(spec.at),
  livemode: false,
  data: { object: spec.object },
});

/** POSTs an event to the webhook, signed with the SDK like Stripe signs it (`timestamp` to forge an old one). */
export function deliver(
  test: TestApp,
  event: ReturnType<typeof stripeEvent> | Record<string, unknown>,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
) {
  const payload = JSON.stringify(event);
  const signature =
    options.signature === undefined
      ? Stripe.webhooks.generateTestHeaderString({
          payload,
          secret: options.secret ?? WEBHOOK_SECRET,
          ...(options.timestamp ? { timestamp: options.timestamp } : {}),
        })
      : options.signature;
  return call(test, 'POST', '/api/system/metrics/stripe/webhook', {
    token: null,
    rawBody: payload,
    headers: signature === null ? {} : { 'stripe-signature': signature },
  });
}
