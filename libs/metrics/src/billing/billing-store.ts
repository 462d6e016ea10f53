import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ledgerRows, type SubscriptionState } from './revenue-ledger.js';
import { ConventionsRepository } from '../repositories/conventions.repository.js';
import { readConventions } from './revenue-conventions.js';
import type { RevenueConventions, SubscriptionTerms } from './subscription-mrr.js';

export interface CustomerRecord {
  id: string;
  tenant: string | null;
  name: string | null;
  email: string | null;
  deleted: boolean;
  source: 'stripe' | 'manual';
  /** When this state of the customer took effect; an older state never overwrites a newer one. */
  stateAt: Date;
}

export interface InvoiceState {
  invoiceId: string;
  customerId: string;
  validFrom: Date;
  sourceId: string;
  rank: number;
  status: string;
  currency: string;
  amountRemaining: number;
}

/** What a stored state row holds besides its columns: enough to recompute MRR at any instant. */
type StoredTerms = Pick<SubscriptionTerms, 'items' | 'discounts' | 'periodMonths' | 'tenant'>;

/**
 * Billing's tables: customers, the states of subscriptions and invoices, and the revenue ledger rebuilt
 * from a subscription's states whenever one is added. Every method runs on the caller's transaction.
 */
@Injectable()
export class BillingStore {
  constructor(private readonly conventionRows: ConventionsRepository) {}

  async saveCustomer(manager: EntityManager, customer: CustomerRecord): Promise<void> {
    await this.saveCustomers(manager, [customer]);
  }

  /** Customers in one statement (a sync's whole list); the last record of an id counts. */
  async saveCustomers(manager: EntityManager, customers: CustomerRecord[]): Promise<void> {
    const unique = [...new Map(customers.map((customer) => [customer.id, customer])).values()];
    if (unique.length === 0) return;
    await manager.query(
      `INSERT INTO metrics_billing_customer AS c (id, tenant_id, name, email, deleted, source, state_at)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::boolean[], $6::varchar[],
                            $7::timestamptz[])
       ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, name = excluded.name, email = excluded.email,
         deleted = excluded.deleted, source = excluded.source, state_at = excluded.state_at, updated_at = now()
       WHERE c.state_at IS NULL OR c.state_at <= excluded.state_at`,
      [
        unique.map((customer) => customer.id),
        unique.map((customer) => customer.tenant),
        unique.map((customer) => customer.name),
        unique.map((customer) => customer.email),
        unique.map((customer) => customer.deleted),
        unique.map((customer) => customer.source),
        unique.map((customer) => customer.stateAt),
      ],
    );
  }

  /**
   * A customer known only from a subscription or invoice (its own event may come later): a row without a
   * state, whose tenant comes from the subscription's metadata until the customer's event says otherwise.
   */
  async ensureCustomer(manager: EntityManager, id: string, tenant: string | null, source = 'stripe'): Promise<void> {
    await this.ensureCustomers(manager, [{ id, tenant }], source);
  }

  /** ensureCustomer for many in one statement; of several mentions of an id, one that names a tenant counts. */
  async ensureCustomers(
    manager: EntityManager,
    customers: { id: string; tenant: string | null }[],
    source = 'stripe',
  ): Promise<void> {
    const byId = new Map<string, string | null>();
    for (const { id, tenant } of customers) byId.set(id, tenant ?? byId.get(id) ?? null);
    if (byId.size === 0) return;
    await manager.query(
      `INSERT INTO metrics_billing_customer AS c (id, tenant_id, source)
       SELECT id, tenant_id, $3 FROM unnest($1::varchar[], $2::varchar[]) AS given(id, tenant_id)
       ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, updated_at = now()
       WHERE c.state_at IS NULL AND c.tenant_id IS NULL AND excluded.tenant_id IS NOT NULL`,
      [[...byId.keys()], [...byId.values()], source],
    );
  }

  /** Adds a state (once per source) and rebuilds the subscription's ledger; false when it was known. */
  async addSubscriptionState(manager: EntityManager, state: SubscriptionState): Promise<boolean> {
    const { terms } = state;
    const stored: StoredTerms = {
      items: terms.items,
      discounts: terms.discounts,
      periodMonths: terms.periodMonths,
      tenant: terms.tenant,
    };
    const conventions = await readConventions(this.conventionRows, manager);
    const rows = ledgerRows([state], conventions);
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO metrics_billing_subscription_state
         (subscription_id, valid_from, source_id, rank, cause, customer_id, status, currency, mrr, discounted_mrr,
          discount_end, items)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT DO NOTHING RETURNING source_id`,
      [
        terms.subscriptionId,
        state.validFrom,
        state.sourceId,
        state.rank,
        state.cause,
        terms.customerId,
        terms.status,
        terms.currency,
        terms.items.reduce((sum, item) => sum + item.monthly, 0).toFixed(4),
        rows[0].mrr.toFixed(4),
        rows.find((row) => row.cause === 'discount_ended')?.effectiveAt ?? null,
        JSON.stringify(stored),
      ],
    );
    if (inserted.length === 0) return false;
    await this.rebuildLedger(manager, terms.subscriptionId, conventions);
    return true;
  }

  async subscriptionStates(manager: EntityManager, subscriptionId: string): Promise<SubscriptionState[]> {
    return (await this.subscriptionStatesOf(manager, [subscriptionId])).get(subscriptionId) ?? [];
  }

  /** The stored states of many subscriptions in one query (a sync's whole list), by subscription id. */
  async subscriptionStatesOf(
    manager: EntityManager,
    subscriptionIds: string[],
  ): Promise<Map<string, SubscriptionState[]>> {
    const rows = await manager.query<
      {
        subscription_id: string;
        valid_from: Date | string;
        source_id: string;
        rank: number;
        cause: string;
        customer_id: string;
        status: string;
        currency: string;
        items: StoredTerms | string;
      }[]
    >(
      `SELECT subscription_id, valid_from, source_id, rank, cause, customer_id, status, currency, items
       FROM metrics_billing_subscription_state WHERE subscription_id = ANY($1::varchar[])`,
      [subscriptionIds],
    );
    const states = new Map<string, SubscriptionState[]>();
    for (const row of rows) {
      const stored = (typeof row.items === 'string' ? JSON.parse(row.items) : row.items) as StoredTerms;
      const state: SubscriptionState = {
        validFrom: new Date(row.valid_from),
        sourceId: row.source_id,
        rank: row.rank,
        cause: row.cause,
        terms: {
          subscriptionId: row.subscription_id,
          customerId: row.customer_id,
          status: row.status,
          currency: row.currency,
          ...stored,
        },
      };
      states.set(row.subscription_id, [...(states.get(row.subscription_id) ?? []), state]);
    }
    return states;
  }

  /** Replaces a subscription's ledger rows with the ones its states give. */
  async rebuildLedger(manager: EntityManager, subscriptionId: string, conventions?: RevenueConventions): Promise<void> {
    await this.rebuildLedgers(
      manager,
      [subscriptionId],
      conventions ?? (await readConventions(this.conventionRows, manager)),
    );
  }

  /**
   * Rebuilds the ledger of every Stripe subscription from its stored states (a convention changed): no Stripe
   * call, manual entries untouched. Pages through the subscriptions so memory stays bounded; returns how many.
   */
  async rebuildAllLedgers(manager: EntityManager, conventions: RevenueConventions): Promise<number> {
    let after = '';
    let count = 0;
    for (;;) {
      const page = await manager.query<{ subscription_id: string }[]>(
        `SELECT DISTINCT subscription_id FROM metrics_billing_subscription_state
         WHERE subscription_id > $1 ORDER BY subscription_id LIMIT 500`,
        [after],
      );
      if (page.length === 0) return count;
      const ids = page.map((row) => row.subscription_id);
      await this.rebuildLedgers(manager, ids, conventions);
      count += ids.length;
      after = ids[ids.length - 1];
    }
  }

  private async rebuildLedgers(
    manager: EntityManager,
    subscriptionIds: string[],
    conventions: RevenueConventions,
  ): Promise<void> {
    const states = await this.subscriptionStatesOf(manager, subscriptionIds);
    const rows = [...states.values()].flatMap((history) => ledgerRows(history, conventions));
    await manager.query(`DELETE FROM metrics_revenue_ledger WHERE subscription_id = ANY($1::varchar[])`, [
      subscriptionIds,
    ]);
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO metrics_revenue_ledger
         (customer_id, subscription_id, effective_at, seq, status, currency, mrr, cause, source_id)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[], $4::int[], $5::varchar[], $6::varchar[],
                            $7::numeric[], $8::varchar[], $9::varchar[])`,
      [
        rows.map((row) => row.customerId),
        rows.map((row) => row.subscriptionId),
        rows.map((row) => row.effectiveAt.toISOString()),
        rows.map((row) => row.seq),
        rows.map((row) => row.status),
        rows.map((row) => row.currency),
        rows.map((row) => row.mrr.toFixed(4)),
        rows.map((row) => row.cause),
        rows.map((row) => row.sourceId),
      ],
    );
  }

  /** Adds an invoice state once per source; false when it was known. */
  async addInvoiceState(manager: EntityManager, state: InvoiceState): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO metrics_billing_invoice_state
         (invoice_id, valid_from, source_id, rank, customer_id, status, currency, amount_remaining)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING source_id`,
      [
        state.invoiceId,
        state.validFrom,
        state.sourceId,
        state.rank,
        state.customerId,
        state.status,
        state.currency,
        state.amountRemaining.toFixed(4),
      ],
    );
    return inserted.length === 1;
  }

  /** The status each invoice has now (its latest state), for reconciliation with Stripe. */
  async currentInvoiceStatuses(manager: EntityManager): Promise<Map<string, string>> {
    const rows = await manager.query<{ invoice_id: string; status: string }[]>(
      `SELECT DISTINCT ON (invoice_id) invoice_id, status FROM metrics_billing_invoice_state
       ORDER BY invoice_id, valid_from DESC, rank DESC, source_id DESC`,
    );
    return new Map(rows.map((row) => [row.invoice_id, row.status]));
  }
}
