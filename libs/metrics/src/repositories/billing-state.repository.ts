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

/** A customer a statement saved; `moved_since` when it was known under another tenant (billing-store.ts). */
export interface SavedCustomerRow {
  id: string;
  /** The first instant of its billing history (ledger, invoices, failed payments), null when it did not move. */
  moved_since: Date | string | null;
}

/**
 * Runs `upsert` (an INSERT INTO metrics_billing_customer AS c … of the customers :ids) and returns every customer it
 * wrote. One whose tenant it changed gets the start of its billing history: the facts read a customer's tenant as it
 * is now, so all its days from then on are attributed anew. The CTEs share one snapshot, so `previous` holds the rows
 * as they were (no FOR UPDATE: it would skip the rows this statement updates; a concurrent move waits on the upsert's
 * row lock and compares with the snapshot's tenant, so at worst it marks days that did not need it).
 */
const returningMoved = (upsert: string): string => `WITH previous AS (
      SELECT id, tenant_id FROM metrics_billing_customer WHERE id = ANY(:ids::varchar[])),
    saved AS (${upsert}
       RETURNING c.id, c.tenant_id)
    SELECT saved.id,
      CASE WHEN previous.id IS NOT NULL AND previous.tenant_id IS DISTINCT FROM saved.tenant_id THEN least(
        (SELECT min(effective_at) FROM metrics_revenue_ledger WHERE customer_id = saved.id),
        (SELECT min(valid_from) FROM metrics_billing_invoice_state WHERE customer_id = saved.id),
        -- The only Stripe events the facts count (billing-facts.ts, billing_failed_payments).
        (SELECT min(created_at) FROM metrics_stripe_event
         WHERE type = 'invoice.payment_failed' AND customer_id = saved.id)) END AS moved_since
    FROM saved LEFT JOIN previous ON previous.id = saved.id`;

/**
 * The statements on billing's state tables (customers, subscription and invoice states), as pure functions
 * (rendered in docs/sql/billing-state.sql). A state is added once per source (the Stripe event or sync that
 * saw it): ON CONFLICT DO NOTHING … RETURNING tells the caller whether it was new.
 */
export const billingStateStatements = {
  /** Customers with their own state; an older state never overwrites a newer one. */
  saveCustomers: (customers: CustomerColumns): Statement => ({
    sql: returningMoved(`INSERT INTO metrics_billing_customer AS c (id, tenant_id, name, email, deleted, source, state_at)
       SELECT * FROM unnest(:ids::varchar[], :tenants::varchar[], :names::varchar[], :emails::varchar[],
                            :deleted::boolean[], :sources::varchar[], :state_ats::timestamptz[])
       ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, name = excluded.name, email = excluded.email,
         deleted = excluded.deleted, source = excluded.source, state_at = excluded.state_at, updated_at = now()
       WHERE c.state_at IS NULL OR c.state_at <= excluded.state_at`),
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
    sql: returningMoved(`INSERT INTO metrics_billing_customer AS c (id, tenant_id, source)
       SELECT id, tenant_id, :source FROM unnest(:ids::varchar[], :tenants::varchar[]) AS given(id, tenant_id)
       ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, updated_at = now()
       WHERE c.state_at IS NULL AND c.tenant_id IS NULL AND excluded.tenant_id IS NOT NULL`),
    params: { ids, tenants, source },
  }),

  /**
   * Customers of manual revenue (a tenant given later fills in, none keeps the known one). A Stripe customer is
   * left as it is and not returned: the caller refuses manual entries for it.
   */
  saveManualCustomers: (ids: string[], tenants: (string | null)[]): Statement => ({
    sql: returningMoved(`INSERT INTO metrics_billing_customer AS c (id, tenant_id, source, state_at)
       SELECT id, tenant_id, 'manual', now() FROM unnest(:ids::varchar[], :tenants::varchar[]) AS given(id, tenant_id)
       ON CONFLICT (id) DO UPDATE SET tenant_id = coalesce(excluded.tenant_id, c.tenant_id), updated_at = now()
       WHERE c.source = 'manual'`),
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
  saveCustomers(manager: EntityManager, customers: CustomerColumns): Promise<SavedCustomerRow[]> {
    return run<SavedCustomerRow>(on(manager), billingStateStatements.saveCustomers(customers));
  }

  ensureCustomers(
    manager: EntityManager,
    ids: string[],
    tenants: (string | null)[],
    source: string,
  ): Promise<SavedCustomerRow[]> {
    return run<SavedCustomerRow>(on(manager), billingStateStatements.ensureCustomers(ids, tenants, source));
  }

  /** The customers saved as manual (a Stripe customer among `ids` is missing). */
  saveManualCustomers(manager: EntityManager, ids: string[], tenants: (string | null)[]): Promise<SavedCustomerRow[]> {
    return run<SavedCustomerRow>(on(manager), billingStateStatements.saveManualCustomers(ids, tenants));
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
