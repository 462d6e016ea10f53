import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { run, type RunsSql, type Statement } from '../database/statement.js';

/** Customers as one column per field (a statement binds each as an array and unnests them together). */
export interface CustomerColumns {
  ids: string[];
  tenants: (string | null)[];
  names: (string | null)[];
  emails: (string | null)[];
  deleted: boolean[];
  sources: string[];
  stateAts: Date[];
}

/** A subscription state row as stored; `items` holds the terms that recompute MRR (jsonb, text on some drivers). */
export interface SubscriptionStateRow {
  subscription_id: string;
  valid_from: Date | string;
  source_id: string;
  rank: number;
  cause: string;
  customer_id: string;
  status: string;
  currency: string;
  items: unknown;
}

export interface NewSubscriptionState {
  subscription_id: string;
  valid_from: Date;
  source_id: string;
  rank: number;
  cause: string;
  customer_id: string;
  status: string;
  currency: string;
  /** Undiscounted and discounted monthly amounts, as numeric text. */
  mrr: string;
  discounted_mrr: string;
  discount_end: Date | null;
  /** The stored terms as JSON text. */
  items: string;
}

export interface NewInvoiceState {
  invoice_id: string;
  valid_from: Date;
  source_id: string;
  rank: number;
  customer_id: string;
  status: string;
  currency: string;
  /** Numeric text. */
  amount_remaining: string;
}

/**
 * The statements on billing's state tables (customers, subscription and invoice states), as pure functions
 * (rendered in docs/sql/billing-state.sql). A state is added once per source (the Stripe event or sync that
 * saw it): ON CONFLICT DO NOTHING … RETURNING tells the caller whether it was new.
 */
export const billingStateStatements = {
  /** Customers with their own state; an older state never overwrites a newer one. */
  saveCustomers: (customers: CustomerColumns): Statement => ({
    sql: `INSERT INTO metrics_billing_customer AS c (id, tenant_id, name, email, deleted, source, state_at)
       SELECT * FROM unnest(:ids::varchar[], :tenants::varchar[], :names::varchar[], :emails::varchar[],
                            :deleted::boolean[], :sources::varchar[], :state_ats::timestamptz[])
       ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, name = excluded.name, email = excluded.email,
         deleted = excluded.deleted, source = excluded.source, state_at = excluded.state_at, updated_at = now()
       WHERE c.state_at IS NULL OR c.state_at <= excluded.state_at`,
    params: {
      ids: customers.ids,
      tenants: customers.tenants,
      names: customers.names,
      emails: customers.emails,
      deleted: customers.deleted,
      sources: customers.sources,
      state_ats: customers.stateAts,
    },
  }),

  /**
   * Customers known only from a subscription or invoice: a row without a state, whose tenant is filled in
   * from a later mention until the customer's own event says otherwise.
   */
  ensureCustomers: (ids: string[], tenants: (string | null)[], source: string): Statement => ({
    sql: `INSERT INTO metrics_billing_customer AS c (id, tenant_id, source)
       SELECT id, tenant_id, :source FROM unnest(:ids::varchar[], :tenants::varchar[]) AS given(id, tenant_id)
       ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, updated_at = now()
       WHERE c.state_at IS NULL AND c.tenant_id IS NULL AND excluded.tenant_id IS NOT NULL`,
    params: { ids, tenants, source },
  }),

  /**
   * Customers of manual revenue (a tenant given later fills in, none keeps the known one). A Stripe customer is
   * left as it is and not returned: the caller refuses manual entries for it.
   */
  saveManualCustomers: (ids: string[], tenants: (string | null)[]): Statement => ({
    sql: `INSERT INTO metrics_billing_customer AS c (id, tenant_id, source, state_at)
       SELECT id, tenant_id, 'manual', now() FROM unnest(:ids::varchar[], :tenants::varchar[]) AS given(id, tenant_id)
       ON CONFLICT (id) DO UPDATE SET tenant_id = coalesce(excluded.tenant_id, c.tenant_id), updated_at = now()
       WHERE c.source = 'manual'
       RETURNING id`,
    params: { ids, tenants },
  }),

  addSubscriptionState: (state: NewSubscriptionState): Statement => ({
    sql: `INSERT INTO metrics_billing_subscription_state
         (subscription_id, valid_from, source_id, rank, cause, customer_id, status, currency, mrr, discounted_mrr,
          discount_end, items)
       VALUES (:subscription_id, :valid_from, :source_id, :rank, :cause, :customer_id, :status, :currency, :mrr,
               :discounted_mrr, :discount_end, :items)
       ON CONFLICT DO NOTHING RETURNING source_id`,
    params: { ...state },
  }),

  subscriptionStates: (subscriptionIds: string[]): Statement => ({
    sql: `SELECT subscription_id, valid_from, source_id, rank, cause, customer_id, status, currency, items
       FROM metrics_billing_subscription_state WHERE subscription_id = ANY(:ids::varchar[])`,
    params: { ids: subscriptionIds },
  }),

  /** A page of the subscriptions that have states, after `after` in id order (a rebuild of every ledger). */
  subscriptionIdsAfter: (after: string, limit: number): Statement => ({
    sql: `SELECT DISTINCT subscription_id FROM metrics_billing_subscription_state
       WHERE subscription_id > :after ORDER BY subscription_id LIMIT :limit`,
    params: { after, limit },
  }),

  addInvoiceState: (state: NewInvoiceState): Statement => ({
    sql: `INSERT INTO metrics_billing_invoice_state
         (invoice_id, valid_from, source_id, rank, customer_id, status, currency, amount_remaining)
       VALUES (:invoice_id, :valid_from, :source_id, :rank, :customer_id, :status, :currency, :amount_remaining)
       ON CONFLICT DO NOTHING RETURNING source_id`,
    params: { ...state },
  }),

  /** Each invoice's latest state: the status reconciliation with Stripe compares. */
  currentInvoiceStatuses: (): Statement => ({
    sql: `SELECT DISTINCT ON (invoice_id) invoice_id, status FROM metrics_billing_invoice_state
       ORDER BY invoice_id, valid_from DESC, rank DESC, source_id DESC`,
    params: {},
  }),
};

const on =
  (manager: EntityManager): RunsSql =>
  (text, values) =>
    manager.query(text, values);

/** Billing's state tables; every method runs on the caller's transaction (BillingStore holds the logic). */
@Injectable()
export class BillingStateRepository {
  async saveCustomers(manager: EntityManager, customers: CustomerColumns): Promise<void> {
    await run(on(manager), billingStateStatements.saveCustomers(customers));
  }

  async ensureCustomers(
    manager: EntityManager,
    ids: string[],
    tenants: (string | null)[],
    source: string,
  ): Promise<void> {
    await run(on(manager), billingStateStatements.ensureCustomers(ids, tenants, source));
  }

  /** The ids saved as manual customers (a Stripe customer among `ids` is missing). */
  async saveManualCustomers(manager: EntityManager, ids: string[], tenants: (string | null)[]): Promise<string[]> {
    const rows = await run<{ id: string }>(on(manager), billingStateStatements.saveManualCustomers(ids, tenants));
    return rows.map((row) => row.id);
  }

  /** False when the state was known (same subscription, instant and source). */
  async addSubscriptionState(manager: EntityManager, state: NewSubscriptionState): Promise<boolean> {
    const inserted = await run(on(manager), billingStateStatements.addSubscriptionState(state));
    return inserted.length > 0;
  }

  subscriptionStates(manager: EntityManager, subscriptionIds: string[]): Promise<SubscriptionStateRow[]> {
    return run<SubscriptionStateRow>(on(manager), billingStateStatements.subscriptionStates(subscriptionIds));
  }

  async subscriptionIdsAfter(manager: EntityManager, after: string, limit: number): Promise<string[]> {
    const rows = await run<{ subscription_id: string }>(
      on(manager),
      billingStateStatements.subscriptionIdsAfter(after, limit),
    );
    return rows.map((row) => row.subscription_id);
  }

  /** False when the state was known. */
  async addInvoiceState(manager: EntityManager, state: NewInvoiceState): Promise<boolean> {
    const inserted = await run(on(manager), billingStateStatements.addInvoiceState(state));
    return inserted.length === 1;
  }

  async currentInvoiceStatuses(manager: EntityManager): Promise<Map<string, string>> {
    const rows = await run<{ invoice_id: string; status: string }>(
      on(manager),
      billingStateStatements.currentInvoiceStatuses(),
    );
    return new Map(rows.map((row) => [row.invoice_id, row.status]));
  }
}
