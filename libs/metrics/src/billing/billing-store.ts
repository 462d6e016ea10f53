import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ledgerRows, type SubscriptionState } from './revenue-ledger.js';
import { ConventionsRepository } from '../repositories/conventions.repository.js';
import { BillingStateRepository, type SavedCustomerRow } from '../repositories/billing-state.repository.js';
import { DirtyDaysRepository } from '../repositories/dirty-days.repository.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { LedgerEntriesRepository } from '../repositories/ledger-entries.repository.js';
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

/** Subscriptions rebuilt per statement when every ledger is (memory stays bounded). */
const REBUILD_PAGE = 500;

/**
 * Billing's tables: customers, the states of subscriptions and invoices, and the revenue ledger rebuilt
 * from a subscription's states whenever one is added. Every method runs on the caller's transaction; the
 * statements are in BillingStateRepository and LedgerEntriesRepository.
 */
@Injectable()
export class BillingStore {
  constructor(
    private readonly conventionRows: ConventionsRepository,
    private readonly states: BillingStateRepository,
    private readonly ledger: LedgerEntriesRepository,
    private readonly dirtyDays: DirtyDaysRepository,
    private readonly config: MetricsConfigService,
  ) {}

  async saveCustomer(manager: EntityManager, customer: CustomerRecord): Promise<void> {
    await this.saveCustomers(manager, [customer]);
  }

  /** Customers in one statement (a sync's whole list); the last record of an id counts. */
  async saveCustomers(manager: EntityManager, customers: CustomerRecord[]): Promise<void> {
    const unique = [...new Map(customers.map((customer) => [customer.id, customer])).values()];
    if (unique.length === 0) return;
    const saved = await this.states.saveCustomers(manager, {
      ids: unique.map((customer) => customer.id),
      tenants: unique.map((customer) => customer.tenant),
      names: unique.map((customer) => customer.name),
      emails: unique.map((customer) => customer.email),
      deleted: unique.map((customer) => customer.deleted),
      sources: unique.map((customer) => customer.source),
      stateAts: unique.map((customer) => customer.stateAt),
    });
    await this.markMovedHistories(manager, saved);
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
    await this.markMovedHistories(
      manager,
      await this.states.ensureCustomers(manager, [...byId.keys()], [...byId.values()], source),
    );
  }

  /** Customers of manual revenue; the ids saved (a Stripe customer among `ids` is missing). */
  async saveManualCustomers(manager: EntityManager, ids: string[], tenants: (string | null)[]): Promise<string[]> {
    const saved = await this.states.saveManualCustomers(manager, ids, tenants);
    await this.markMovedHistories(manager, saved);
    return saved.map((customer) => customer.id);
  }

  /**
   * A customer moved to another tenant (or given one) moves its whole billing history: the facts read its tenant as
   * it is now, while the days computed before hold the old one, and a one-day run carries their stocks forward
   * (stored-eve.sql.ts). So every computed day from its history's start is marked for the catch-up, in the
   * transaction of the move.
   */
  private async markMovedHistories(manager: EntityManager, saved: SavedCustomerRow[]): Promise<void> {
    const since = saved
      .flatMap((customer) => (customer.moved_since ? [new Date(customer.moved_since)] : []))
      .reduce<Date | null>((earliest, start) => (earliest && earliest <= start ? earliest : start), null);
    if (!since) return;
    await this.dirtyDays.markBillingDays(manager, since, (await this.config.get(manager)).timezone);
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
    const added = await this.states.addSubscriptionState(manager, {
      subscription_id: terms.subscriptionId,
      valid_from: state.validFrom,
      source_id: state.sourceId,
      rank: state.rank,
      cause: state.cause,
      customer_id: terms.customerId,
      status: terms.status,
      currency: terms.currency,
      mrr: terms.items.reduce((sum, item) => sum + item.monthly, 0).toFixed(4),
      discounted_mrr: rows[0].mrr.toFixed(4),
      discount_end: rows.find((row) => row.cause === 'discount_ended')?.effectiveAt ?? null,
      items: JSON.stringify(stored),
    });
    if (!added) return false;
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
    const rows = await this.states.subscriptionStates(manager, subscriptionIds);
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
      const ids = await this.states.subscriptionIdsAfter(manager, after, REBUILD_PAGE);
      if (ids.length === 0) return count;
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
    await this.ledger.replaceSubscriptions(manager, subscriptionIds, {
      customer_ids: rows.map((row) => row.customerId),
      subscription_ids: rows.map((row) => row.subscriptionId),
      effective_ats: rows.map((row) => row.effectiveAt.toISOString()),
      seqs: rows.map((row) => row.seq),
      statuses: rows.map((row) => row.status),
      currencies: rows.map((row) => row.currency),
      mrrs: rows.map((row) => row.mrr.toFixed(4)),
      causes: rows.map((row) => row.cause),
      source_ids: rows.map((row) => row.sourceId),
    });
  }

  /** Adds an invoice state once per source; false when it was known. */
  addInvoiceState(manager: EntityManager, state: InvoiceState): Promise<boolean> {
    return this.states.addInvoiceState(manager, {
      invoice_id: state.invoiceId,
      valid_from: state.validFrom,
      source_id: state.sourceId,
      rank: state.rank,
      customer_id: state.customerId,
      status: state.status,
      currency: state.currency,
      amount_remaining: state.amountRemaining.toFixed(4),
    });
  }

  /** The status each invoice has now (its latest state), for reconciliation with Stripe. */
  currentInvoiceStatuses(manager: EntityManager): Promise<Map<string, string>> {
    return this.states.currentInvoiceStatuses(manager);
  }
}
