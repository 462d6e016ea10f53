import type { MrrDiscountConvention } from '../entities/revenue-conventions.types.js';
import {
  idOf,
  type StripeCoupon,
  type StripeDiscount,
  type StripeSubscription,
  type StripeSubscriptionItem,
} from './stripe-objects.js';
import { unreachable } from '../common/unreachable.js';

/** Statuses whose subscriptions count towards MRR (metrics.md: past_due still counts; churn comes with cancel). */
export const PAYING_STATUSES = new Set(['active', 'past_due']);

/** Stripe amounts are in the currency's smallest unit; these currencies have none below the unit. */
const ZERO_DECIMAL = new Set('BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF'.split(' '));

export const fromMinorUnits = (amount: number, currency: string): number =>
  ZERO_DECIMAL.has(currency.toUpperCase()) ? amount : amount / 100;

/** Months per billing interval (metrics.md: yearly ÷ 12, weekly × 52/12, daily × 365/12). */
const MONTHS_PER_INTERVAL: Record<string, number> = { month: 1, year: 12, week: 12 / 52, day: 12 / 365 };

/** One priced line of a subscription, normalised to a month. */
export interface MonthlyItem {
  price: string | null;
  quantity: number;
  monthly: number;
}

/** The conventions that shape a subscription's MRR (the quick ratio's is applied by the compute). */
export interface RevenueConventions {
  mrrDiscounts: MrrDiscountConvention;
  /** A subscription past due this many days contributes 0 from then on; null: until it is canceled. */
  pastDueChurnAfterDays: number | null;
}

export const DEFAULT_CONVENTIONS: RevenueConventions = { mrrDiscounts: 'recurring', pastDueChurnAfterDays: null };

/** A discount as MRR sees it: from `start` until `end` (epoch ms, null = open-ended). */
export interface MrrDiscount {
  coupon: string | null;
  /**
   * The coupon's duration. States stored before it was kept have none: an open-ended discount is read as
   * `forever`, one with an end as `repeating` (see durationOf).
   */
  duration?: 'once' | 'repeating' | 'forever' | null;
  percentOff: number | null;
  /** Amount off per month, in the subscription's currency. */
  amountOffMonthly: number | null;
  start: number | null;
  end: number | null;
  /** Index of the item it applies to; null for the whole subscription. */
  item: number | null;
}

/** What a subscription's state means for revenue, independent of when it was observed. */
export interface SubscriptionTerms {
  subscriptionId: string;
  customerId: string;
  status: string;
  currency: string;
  items: MonthlyItem[];
  discounts: MrrDiscount[];
  /** Months per billing period of the subscription (for amount-off coupons, which apply per invoice). */
  periodMonths: number;
  tenant: string | null;
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

function itemAmount(item: StripeSubscriptionItem) {
  const price = item.price;
  const plan = item.plan;
  const decimal = price?.unit_amount_decimal ?? plan?.amount_decimal;
  const amount = decimal !== null && decimal !== undefined ? Number(decimal) : (price?.unit_amount ?? plan?.amount);
  const interval = price?.recurring?.interval ?? plan?.interval;
  const count = price?.recurring?.interval_count ?? plan?.interval_count ?? 1;
  const usage = price?.recurring?.usage_type ?? plan?.usage_type;
  return { amount, interval, count, usage, priceId: price?.id ?? plan?.id ?? null };
}

function couponOf(discount: StripeDiscount): StripeCoupon | null {
  const coupon = discount.source?.coupon ?? discount.coupon;
  return coupon && typeof coupon === 'object' ? coupon : null;
}

const addMonths = (epochMs: number, months: number): number => {
  const date = new Date(epochMs);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
};

function discountTerms(
  discount: StripeDiscount,
  item: number | null,
  currency: string,
  periodMonths: number,
): MrrDiscount | null {
  const coupon = couponOf(discount);
  if (!coupon) return null; // only an id: the webhook payload does not say what it is worth
  const start = discount.start ? discount.start * 1000 : null;
  let end = discount.end ? discount.end * 1000 : null;
  if (end === null && start !== null && coupon.duration === 'repeating' && coupon.duration_in_months) {
    end = addMonths(start, coupon.duration_in_months);
  }
  // A "once" coupon discounts the first invoice only: one billing period.
  if (end === null && start !== null && coupon.duration === 'once') end = addMonths(start, periodMonths);
  const amountOff =
    coupon.amount_off && (!coupon.currency || coupon.currency.toUpperCase() === currency)
      ? fromMinorUnits(coupon.amount_off, currency) / periodMonths
      : null;
  const duration = coupon.duration === 'once' || coupon.duration === 'repeating' ? coupon.duration : 'forever';
  return {
    coupon: coupon.id ?? null,
    duration,
    percentOff: coupon.percent_off ?? null,
    amountOffMonthly: amountOff,
    start,
    end,
    item,
  };
}

/**
 * Reads a Stripe subscription into terms: each licensed item's unit amount × quantity normalised to a
 * month, and the discounts with the time they last. Metered items have no fixed amount and count 0.
 */
export function subscriptionTerms(subscription: StripeSubscription, tenantKey: string): SubscriptionTerms {
  const items: MonthlyItem[] = [];
  let currency = (subscription.currency ?? '').toUpperCase();
  let periodMonths = 1;
  const rawItems = subscription.items?.data ?? [];
  const itemDiscounts: MrrDiscount[] = [];
  rawItems.forEach((item, index) => {
    const { amount, interval, count, usage, priceId } = itemAmount(item);
    const itemCurrency = (item.price?.currency ?? item.plan?.currency ?? currency).toUpperCase();
    if (!currency) currency = itemCurrency;
    const months = interval ? MONTHS_PER_INTERVAL[interval] : undefined;
    if (months === undefined || amount === null || amount === undefined || usage === 'metered') return;
    if (index === 0) periodMonths = months * Math.max(1, count ?? 1);
    const quantity = item.quantity ?? 1;
    const monthly = (fromMinorUnits(amount, itemCurrency) * quantity) / (months * Math.max(1, count ?? 1));
    items.push({ price: priceId, quantity, monthly });
    for (const discount of item.discounts ?? []) {
      if (typeof discount === 'object') {
        const terms = discountTerms(discount, items.length - 1, itemCurrency, periodMonths);
        if (terms) itemDiscounts.push(terms);
      }
    }
  });
  const subscriptionDiscounts = [
    ...(subscription.discount ? [subscription.discount] : []),
    ...(subscription.discounts ?? []).filter((entry): entry is StripeDiscount => typeof entry === 'object'),
  ]
    // The legacy `discount` is usually repeated in `discounts`: count each discount once.
    .filter((entry, index, all) => !entry.id || all.findIndex((other) => other.id === entry.id) === index)
    .map((discount) => discountTerms(discount, null, currency, periodMonths))
    .filter((terms): terms is MrrDiscount => terms !== null);
  return {
    subscriptionId: subscription.id,
    customerId: idOf(subscription.customer) ?? '',
    status: subscription.status,
    currency: currency || 'USD',
    items,
    discounts: [...itemDiscounts, ...subscriptionDiscounts],
    periodMonths,
    tenant: subscription.metadata?.[tenantKey] ?? null,
  };
}

/** Full MRR before discounts (what the subscription is worth once every discount has ended). */
export function fullMrr(terms: Pick<SubscriptionTerms, 'items'>): number {
  return round4(terms.items.reduce((sum, item) => sum + item.monthly, 0));
}

const durationOf = (discount: MrrDiscount) => discount.duration ?? (discount.end === null ? 'forever' : 'repeating');

/** Whether a discount reduces MRR under the chosen convention. */
export function discountCounts(discount: MrrDiscount, convention: MrrDiscountConvention): boolean {
  switch (convention) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'forever_only':
      return durationOf(discount) === 'forever';
    case 'recurring':
      // A one-off is not recurring revenue, and its end is not an expansion.
      return durationOf(discount) !== 'once';
    default:
      return unreachable(convention, 'MRR discount convention');
  }
}

/** The MRR of a subscription at instant `at` (epoch ms): 0 unless its status pays, discounts applied. */
export function mrrAt(
  terms: Pick<SubscriptionTerms, 'items' | 'discounts' | 'status'>,
  at: number,
  convention: MrrDiscountConvention = DEFAULT_CONVENTIONS.mrrDiscounts,
): number {
  if (!PAYING_STATUSES.has(terms.status)) return 0;
  const live = terms.discounts.filter(
    (discount) =>
      discountCounts(discount, convention) &&
      (discount.start === null || discount.start <= at) &&
      (discount.end === null || at < discount.end),
  );
  const applyTo = (amount: number, discounts: MrrDiscount[]) => {
    let value = amount;
    for (const discount of discounts.filter((d) => d.percentOff)) value *= 1 - discount.percentOff! / 100;
    for (const discount of discounts.filter((d) => d.amountOffMonthly)) value -= discount.amountOffMonthly!;
    return Math.max(0, value);
  };
  const itemsTotal = terms.items.reduce(
    (sum, item, index) =>
      sum +
      applyTo(
        item.monthly,
        live.filter((discount) => discount.item === index),
      ),
    0,
  );
  return round4(
    applyTo(
      itemsTotal,
      live.filter((discount) => discount.item === null),
    ),
  );
}

/** The instants after `from` and before `until` where a counted discount starts or ends: MRR may change there. */
export function discountBoundaries(
  terms: Pick<SubscriptionTerms, 'discounts'>,
  from: number,
  until: number,
  convention: MrrDiscountConvention = DEFAULT_CONVENTIONS.mrrDiscounts,
): number[] {
  const instants = terms.discounts
    .filter((discount) => discountCounts(discount, convention))
    .flatMap((discount) => [discount.start, discount.end]);
  return [...new Set(instants.filter((at): at is number => at !== null && at > from && at < until))].sort(
    (a, b) => a - b,
  );
}
