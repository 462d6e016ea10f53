import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { BillingStore } from './billing-store.js';
import { DirtyDaysRepository } from '../repositories/dirty-days.repository.js';
import { compareStates } from './revenue-ledger.js';
import { createStripeClient, InjectStripeSdk, type StripeSdk } from './stripe-client.js';
import { StripeEventsService } from './stripe-events.service.js';
import type { StripeCustomer, StripeInvoice, StripeSubscription } from './stripe-objects.js';
import { allPages, DEFAULT_RETRY, type RetryPolicy } from './stripe-pages.js';
import { historyStates, termsChanged } from './sync-history.js';
import { subscriptionTerms } from './subscription-mrr.js';

export interface StripeSyncResult {
  customers: number;
  subscriptions: number;
  open_invoices: number;
  /** Subscriptions with no history here, rebuilt from what Stripe lists (a fresh install). */
  rebuilt_subscriptions: number;
  /** Subscriptions and invoices whose state here differed from Stripe's and was corrected. */
  reconciled: number;
  retries: number;
}

/**
 * Pages through Stripe's customers, subscriptions (every status) and open invoices, then reconciles
 * billing's tables with them in one transaction: unknown subscriptions get a rebuilt history, known ones a
 * new state when Stripe says something else now, invoices we hold as open but Stripe does not are closed.
 */
@Injectable()
export class StripeSyncService {
  private readonly logger = new Logger('MetricsStripeSync');
  /** Tests shorten the waits between retries. */
  retryPolicy: RetryPolicy = DEFAULT_RETRY;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: BillingStore,
    private readonly events: StripeEventsService,
    private readonly config: MetricsConfigService,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    @InjectStripeSdk() private readonly sdk: StripeSdk,
    private readonly dirtyDays: DirtyDaysRepository,
  ) {}

  async sync(): Promise<StripeSyncResult> {
    if (!this.options.stripe?.secretKey) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Stripe sync needs the stripe.secretKey option (STRIPE_SECRET_KEY in the demo app)',
      });
    }
    // A secret key means Stripe is configured, so the SDK was loaded at start.
    const stripe = createStripeClient(this.sdk!, this.options.stripe);
    let retries = 0;
    const onRetry = (attempt: number, delayMs: number, error: unknown) => {
      retries += 1;
      this.logger.warn(`Stripe list failed (${(error as Error).message}); retry ${attempt} in ${delayMs} ms`);
    };
    const collect = async <T extends { id: string }>(
      list: (params: { starting_after?: string }) => AsyncIterable<T>,
    ) => {
      const items: T[] = [];
      for await (const item of allPages(list, this.retryPolicy, onRetry)) items.push(item);
      return items;
    };
    const customers = await collect(
      (page) => stripe.customers.list({ limit: 100, ...page }) as AsyncIterable<Stripe.Customer>,
    );
    const subscriptions = await collect(
      (page) =>
        stripe.subscriptions.list({
          limit: 100,
          status: 'all',
          expand: ['data.discounts'],
          ...page,
        }) as AsyncIterable<Stripe.Subscription>,
    );
    const openInvoices = await collect(
      (page) => stripe.invoices.list({ limit: 100, status: 'open', ...page }) as AsyncIterable<Stripe.Invoice>,
    );
    const result = await this.reconcile(
      stripe,
      customers as unknown as StripeCustomer[],
      subscriptions as unknown as StripeSubscription[],
      openInvoices,
    );
    this.logger.log(`Stripe sync: ${JSON.stringify({ ...result, retries })}`);
    return { ...result, retries };
  }

  private async reconcile(
    stripe: Stripe,
    customers: StripeCustomer[],
    subscriptions: StripeSubscription[],
    openInvoices: StripeInvoice[],
  ): Promise<Omit<StripeSyncResult, 'retries'>> {
    const now = new Date();
    const sourceId = `sync:${now.toISOString()}`;
    const tenantKey = this.options.stripe?.tenantMetadataKey ?? 'tenant_id';
    const timezone = (await this.config.get()).timezone;
    const openIds = new Set(openInvoices.map((invoice) => invoice.id));
    const heldOpen = [...(await this.store.currentInvoiceStatuses(this.dataSource.manager)).entries()]
      .filter(([id, status]) => status === 'open' && !openIds.has(id))
      .map(([id]) => id);
    // Invoices we hold as open that Stripe no longer lists as open: fetch what became of them.
    const closed: StripeInvoice[] = [];
    for (const id of heldOpen) closed.push(await stripe.invoices.retrieve(id));

    return this.dataSource.transaction(async (manager) => {
      let rebuilt = 0;
      let reconciled = 0;
      let earliest = now;
      await this.store.saveCustomers(
        manager,
        customers.map((customer) => ({
          id: customer.id,
          tenant: customer.metadata?.[tenantKey] ?? null,
          name: customer.name?.slice(0, 255) ?? null,
          email: customer.email?.slice(0, 255) ?? null,
          deleted: customer.deleted === true,
          source: 'stripe' as const,
          stateAt: now,
        })),
      );
      const listed = subscriptions.map((subscription) => ({
        subscription,
        terms: subscriptionTerms(subscription, tenantKey),
      }));
      await this.store.ensureCustomers(
        manager,
        listed.map(({ terms }) => ({ id: terms.customerId, tenant: terms.tenant })),
      );
      const stored = await this.store.subscriptionStatesOf(
        manager,
        listed.map(({ subscription }) => subscription.id),
      );
      for (const { subscription, terms } of listed) {
        const known = (stored.get(subscription.id) ?? []).sort(compareStates);
        if (known.length === 0) {
          const history = historyStates(subscription, terms);
          for (const state of history) await this.store.addSubscriptionState(manager, state);
          if (history[0].validFrom < earliest) earliest = history[0].validFrom;
          rebuilt += 1;
        } else if (termsChanged(known[known.length - 1].terms, terms)) {
          await this.events.applySubscription(manager, subscription, now, { sourceId, rank: 5, cause: 'sync' });
          reconciled += 1;
        }
      }
      const statuses = await this.store.currentInvoiceStatuses(manager);
      for (const invoice of [...openInvoices, ...closed]) {
        if (statuses.get(invoice.id) === invoice.status) continue;
        const known = statuses.has(invoice.id);
        // An invoice we never saw was open since it was created; a known one changed now.
        const validFrom = known || !invoice.created ? now : new Date(invoice.created * 1000);
        await this.events.applyInvoice(manager, invoice, validFrom, sourceId, 5);
        if (validFrom < earliest) earliest = validFrom;
        reconciled += 1;
      }
      await this.dirtyDays.markBillingDays(manager, earliest, timezone);
      return {
        customers: customers.length,
        subscriptions: subscriptions.length,
        open_invoices: openInvoices.length,
        rebuilt_subscriptions: rebuilt,
        reconciled,
      };
    });
  }
}
