import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { BillingStore } from './billing-store.js';
import { DirtyDaysRepository } from '../repositories/dirty-days.repository.js';
import { StripeEventsRepository } from '../repositories/stripe-events.repository.js';
import {
  idOf,
  type StripeCustomer,
  type StripeEventEnvelope,
  type StripeInvoice,
  type StripeSubscription,
} from './stripe-objects.js';
import { fromMinorUnits, subscriptionTerms } from './subscription-mrr.js';

export type StripeEventOutcome = 'applied' | 'duplicate' | `ignored: ${string}`;

/** Within one second, later lifecycle steps win: a subscription is created, then updated, then deleted. */
const SUBSCRIPTION_RANK: Record<string, number> = {
  'customer.subscription.created': 0,
  'customer.subscription.updated': 1,
  'customer.subscription.paused': 1,
  'customer.subscription.resumed': 1,
  'customer.subscription.deleted': 2,
};
const INVOICE_RANK: Record<string, number> = {
  'invoice.created': 0,
  'invoice.finalized': 1,
  'invoice.payment_failed': 2,
  'invoice.paid': 3,
  'invoice.payment_succeeded': 3,
  'invoice.voided': 3,
  'invoice.marked_uncollectible': 3,
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const hasId = (value: unknown): value is { id: string } => isObject(value) && typeof value.id === 'string';

/** The customer an event is about: the object's `customer`, or the object itself for customer events. */
function customerIdOf(type: string, object: unknown): string | null {
  if (!isObject(object)) return null;
  if (typeof object.customer === 'string' || hasId(object.customer)) return idOf(object.customer);
  return /^customer\.(created|updated|deleted)$/.test(type) && hasId(object) ? object.id : null;
}

/**
 * Applies Stripe events to billing's tables from their payloads alone (no API call per event). Each event
 * is stored once by id; a state takes effect at the event's `created`, so the history is the same whatever
 * the order of arrival, and an older event never overwrites what a newer one said.
 */
@Injectable()
export class StripeEventsService {
  constructor(
    private readonly store: BillingStore,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    private readonly dirtyDays: DirtyDaysRepository,
    private readonly log: StripeEventsRepository,
  ) {}

  private get tenantKey(): string {
    return this.options.stripe?.tenantMetadataKey ?? 'tenant_id';
  }

  /** Stores and applies one verified event on the caller's transaction. */
  async apply(manager: EntityManager, event: StripeEventEnvelope, timezone: string): Promise<StripeEventOutcome> {
    const object = event.data?.object;
    const stored = await this.log.insert(manager, {
      id: event.id,
      type: event.type,
      created: event.created,
      object_id: hasId(object) ? object.id : null,
      customer_id: customerIdOf(event.type, object),
      payload: JSON.stringify(event),
    });
    if (!stored) return 'duplicate';

    const at = new Date(event.created * 1000);
    const outcome = await this.applyObject(manager, event, at);
    await this.log.setOutcome(manager, event.id, outcome);
    if (outcome === 'applied') await this.dirtyDays.markBillingDays(manager, at, timezone);
    return outcome;
  }

  private async applyObject(manager: EntityManager, event: StripeEventEnvelope, at: Date): Promise<StripeEventOutcome> {
    const object = event.data?.object;
    if (!hasId(object)) return 'ignored: the event has no data.object with an id';
    if (event.type.startsWith('customer.subscription.')) {
      const rank = SUBSCRIPTION_RANK[event.type];
      if (rank === undefined) return `ignored: ${event.type} does not change revenue`;
      return this.applySubscription(manager, object as StripeSubscription, at, {
        sourceId: event.id,
        rank,
        cause: event.type.slice('customer.subscription.'.length),
      });
    }
    if (event.type === 'customer.created' || event.type === 'customer.updated' || event.type === 'customer.deleted') {
      const customer = object as StripeCustomer;
      await this.store.saveCustomer(manager, {
        id: customer.id,
        tenant: customer.metadata?.[this.tenantKey] ?? null,
        name: typeof customer.name === 'string' ? customer.name.slice(0, 255) : null,
        email: typeof customer.email === 'string' ? customer.email.slice(0, 255) : null,
        deleted: event.type === 'customer.deleted' || customer.deleted === true,
        source: 'stripe',
        stateAt: at,
      });
      return 'applied';
    }
    if (event.type in INVOICE_RANK) {
      return this.applyInvoice(manager, object as StripeInvoice, at, event.id, INVOICE_RANK[event.type]);
    }
    return `ignored: ${event.type} is not a billing event the metrics use`;
  }

  /** A subscription's state as of `at` (shared by webhooks and sync). */
  async applySubscription(
    manager: EntityManager,
    subscription: StripeSubscription,
    at: Date,
    source: { sourceId: string; rank: number; cause: string },
  ): Promise<StripeEventOutcome> {
    const customerId = idOf(subscription.customer);
    if (!customerId || typeof subscription.status !== 'string') {
      return 'ignored: the subscription has no customer or status';
    }
    const terms = subscriptionTerms(subscription, this.tenantKey);
    await this.store.ensureCustomer(manager, customerId, terms.tenant);
    await this.store.addSubscriptionState(manager, { validFrom: at, ...source, terms });
    return 'applied';
  }

  /** An invoice's state as of `at` (shared by webhooks and sync). */
  async applyInvoice(
    manager: EntityManager,
    invoice: StripeInvoice,
    at: Date,
    sourceId: string,
    rank: number,
  ): Promise<StripeEventOutcome> {
    const customerId = idOf(invoice.customer);
    if (!customerId) return 'ignored: the invoice has no customer';
    const currency = (invoice.currency ?? 'usd').toUpperCase();
    await this.store.ensureCustomer(manager, customerId, null);
    await this.store.addInvoiceState(manager, {
      invoiceId: invoice.id,
      customerId,
      validFrom: at,
      sourceId,
      rank,
      status: invoice.status ?? 'open',
      currency,
      amountRemaining: fromMinorUnits(invoice.amount_remaining ?? invoice.amount_due ?? 0, currency),
    });
    return 'applied';
  }
}
