import type { StripeEventEnvelope } from '@exec-metrics/metrics';
import { DemoRandom } from './demo-random.js';

/**
 * A year of Stripe billing for the demo tenants, as the webhook events Stripe would have sent: customers
 * that start on a plan (some after a trial, some with a 3-month coupon, a fifth on annual billing), upgrade,
 * add seats, downgrade, fail a payment, churn and sometimes come back. The demo replays them through the
 * same code that handles real webhooks.
 */
export interface DemoStripeOptions {
  endDate: string;
  months?: number;
  tenants?: string[];
  seed?: number;
}

const DAY = 86_400_000;
const PLANS = [
  { id: 'price_starter', unit: 4_900, seats: [1, 1], weight: 0.5 },
  { id: 'price_team', unit: 2_900, seats: [3, 12], weight: 0.38 },
  { id: 'price_business', unit: 39_900, seats: [1, 1], weight: 0.12 },
];
const ACCOUNTS_PER_MONTH = [18, 9, 4];

interface Account {
  customer: string;
  tenant: string;
  subscription: string;
  plan: (typeof PLANS)[number];
  seats: number;
  annual: boolean;
  discount: Record<string, unknown> | null;
}

class StripeHistory {
  readonly events: StripeEventEnvelope[] = [];

  constructor(readonly end: number) {}

  add(type: string, at: number, object: Record<string, unknown>): void {
    if (at >= this.end) return;
    this.events.push({
      id: `evt_demo_${String(this.events.length + 1).padStart(6, '0')}`,
      type,
      created: Math.floor(at / 1000),
      data: { object },
    });
  }
}

function subscriptionObject(account: Account, status: string, extra: Record<string, unknown> = {}) {
  return {
    id: account.subscription,
    object: 'subscription',
    customer: account.customer,
    status,
    currency: 'usd',
    items: {
      data: [
        {
          id: `${account.subscription}_item`,
          quantity: account.seats,
          price: {
            id: `${account.plan.id}${account.annual ? '_annual' : ''}`,
            currency: 'usd',
            // Annual plans cost ten months.
            unit_amount: account.annual ? account.plan.unit * 10 : account.plan.unit,
            recurring: { interval: account.annual ? 'year' : 'month', interval_count: 1, usage_type: 'licensed' },
          },
        },
      ],
    },
    discounts: account.discount ? [account.discount] : [],
    metadata: { tenant_id: account.tenant },
    ...extra,
  };
}

function simulateAccount(history: StripeHistory, random: DemoRandom, account: Account, startAt: number): void {
  let at = startAt;
  const subscription = (status: string, extra: Record<string, unknown> = {}) =>
    subscriptionObject(account, status, extra);
  const trial = random.chance(0.3);
  if (trial) {
    history.add('customer.subscription.created', at, subscription('trialing', { trial_end: (at + 14 * DAY) / 1000 }));
    at += 14 * DAY;
    if (!random.chance(0.6)) {
      history.add('customer.subscription.deleted', at, subscription('canceled'));
      return;
    }
    history.add('customer.subscription.updated', at, subscription('active'));
  } else {
    if (random.chance(0.12)) {
      const start = Math.floor(at / 1000);
      account.discount = {
        id: `di_${account.subscription}`,
        start,
        end: start + 91 * 86_400,
        source: { coupon: { id: 'LAUNCH20', percent_off: 20, duration: 'repeating', duration_in_months: 3 } },
      };
    }
    history.add('customer.subscription.created', at, subscription('active'));
  }
  let invoice = 0;
  // Month by month: changes, failed payments, churn.
  for (at += 30 * DAY; at < history.end; at += 30 * DAY) {
    const moment = at + random.int(0, 20) * 3_600_000;
    if (random.chance(0.035)) {
      invoice += 1;
      const invoiceObject = (status: string, remaining: number) => ({
        id: `in_${account.subscription}_${invoice}`,
        object: 'invoice',
        customer: account.customer,
        status,
        currency: 'usd',
        amount_remaining: remaining,
      });
      const amount = account.plan.unit * account.seats;
      history.add('invoice.finalized', moment, invoiceObject('open', amount));
      history.add('invoice.payment_failed', moment + 3_600_000, invoiceObject('open', amount));
      if (random.chance(0.7)) {
        history.add('invoice.paid', moment + 3 * DAY, invoiceObject('paid', 0));
      } else {
        history.add('customer.subscription.updated', moment + DAY, subscription('past_due'));
        history.add('invoice.marked_uncollectible', moment + 14 * DAY, invoiceObject('uncollectible', amount));
        history.add('customer.subscription.deleted', moment + 14 * DAY, subscription('canceled'));
        return;
      }
    }
    if (random.chance(0.022)) {
      history.add('customer.subscription.deleted', moment, subscription('canceled'));
      if (random.chance(0.2)) {
        account.subscription = `${account.subscription}_r`;
        simulateAccount(history, random, account, moment + random.int(30, 90) * DAY);
      }
      return;
    }
    if (random.chance(0.04) && account.plan !== PLANS[2]) {
      account.plan = account.plan === PLANS[0] ? PLANS[1] : PLANS[2];
      account.seats = account.plan === PLANS[1] ? Math.max(3, account.seats) : 1;
      history.add('customer.subscription.updated', moment, subscription('active'));
    } else if (random.chance(0.05) && account.plan === PLANS[1]) {
      account.seats += random.int(1, 4);
      history.add('customer.subscription.updated', moment, subscription('active'));
    } else if (random.chance(0.025) && account.seats > 1) {
      account.seats -= 1;
      history.add('customer.subscription.updated', moment, subscription('active'));
    }
  }
}

export function generateDemoStripeEvents(options: DemoStripeOptions): StripeEventEnvelope[] {
  const end = Date.parse(`${options.endDate}T00:00:00Z`) + DAY;
  const start = end - (options.months ?? 12) * 30 * DAY;
  const random = new DemoRandom(options.seed ?? 7);
  const history = new StripeHistory(end);
  let accounts = 0;
  (options.tenants ?? ['acme', 'globex', 'initech']).forEach((tenant, index) => {
    for (let month = start; month < end; month += 30 * DAY) {
      const growth = 0.6 + (0.8 * (month - start)) / (end - start);
      const count = random.count((ACCOUNTS_PER_MONTH[index] ?? 1) * growth);
      for (let n = 0; n < count; n += 1) {
        accounts += 1;
        const id = String(accounts).padStart(4, '0');
        const weights = random.next();
        const plan =
          weights < PLANS[0].weight ? PLANS[0] : weights < PLANS[0].weight + PLANS[1].weight ? PLANS[1] : PLANS[2];
        const account: Account = {
          customer: `cus_demo_${id}`,
          tenant,
          subscription: `sub_demo_${id}`,
          plan,
          seats: random.int(plan.seats[0], plan.seats[1]),
          annual: random.chance(0.2),
          discount: null,
        };
        const at = month + random.int(0, 29) * DAY + random.int(8, 18) * 3_600_000;
        history.add('customer.created', at - 60_000, {
          id: account.customer,
          object: 'customer',
          name: `${tenant} customer ${id}`,
          email: `billing+${id}@${tenant}.example`,
          metadata: { tenant_id: tenant },
        });
        simulateAccount(history, random, account, at);
      }
    }
  });
  return history.events.sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
}
