/**
 * The parts of Stripe's objects that billing reads, typed loosely on purpose: webhook payloads come from
 * whatever API version the account is pinned to, so every field is optional and checked where it is used.
 * Field names follow Stripe's API (snake_case).
 */
export interface StripeCoupon {
  id?: string;
  percent_off?: number | null;
  amount_off?: number | null;
  currency?: string | null;
  /** once, repeating or forever (a string: Stripe may add values). */
  duration?: string;
  duration_in_months?: number | null;
}

export interface StripeDiscount {
  id?: string;
  start?: number | null;
  end?: number | null;
  /** Older API versions. */
  coupon?: StripeCoupon | string | null;
  /** Current API versions: `source.coupon`. */
  source?: { coupon?: StripeCoupon | string | null } | null;
}

export interface StripeRecurring {
  /** day, week, month or year. */
  interval?: string;
  interval_count?: number | null;
  /** licensed or metered. */
  usage_type?: string;
}

export interface StripePrice {
  id?: string;
  currency?: string;
  unit_amount?: number | null;
  unit_amount_decimal?: string | null;
  recurring?: StripeRecurring | null;
}

/** Older API versions put the price on `plan`. */
export interface StripePlan {
  id?: string;
  currency?: string;
  amount?: number | null;
  amount_decimal?: string | null;
  interval?: string;
  interval_count?: number | null;
  usage_type?: string;
}

export interface StripeSubscriptionItem {
  id?: string;
  quantity?: number | null;
  price?: StripePrice | null;
  plan?: StripePlan | null;
  current_period_end?: number | null;
  discounts?: (StripeDiscount | string)[] | null;
}

export interface StripeSubscription {
  id: string;
  object?: 'subscription';
  customer: string | { id: string };
  status: string;
  currency?: string;
  created?: number;
  start_date?: number;
  trial_start?: number | null;
  trial_end?: number | null;
  canceled_at?: number | null;
  ended_at?: number | null;
  current_period_end?: number | null;
  items?: { data?: StripeSubscriptionItem[] };
  discount?: StripeDiscount | null;
  discounts?: (StripeDiscount | string)[] | null;
  metadata?: Record<string, string> | null;
}

export interface StripeCustomer {
  id: string;
  object?: 'customer';
  name?: string | null;
  email?: string | null;
  deleted?: boolean;
  metadata?: Record<string, string> | null;
}

export interface StripeInvoice {
  id: string;
  object?: 'invoice';
  customer: string | { id: string } | null;
  status?: string | null;
  currency?: string;
  amount_remaining?: number | null;
  amount_due?: number | null;
  created?: number;
}

export interface StripeEventEnvelope {
  id: string;
  type: string;
  created: number;
  data: { object: unknown };
}

export const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value === null || value === undefined ? null : typeof value === 'string' ? value : value.id;
