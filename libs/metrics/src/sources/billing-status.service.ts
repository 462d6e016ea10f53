import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LedgerRepository } from '../repositories/ledger.repository.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { stripeConfigured } from '../common/stripe-configured.js';

/**
 * Whether revenue metrics can be computed: Stripe is configured, or the ledger holds revenue (entered by hand,
 * or replayed Stripe history).
 * Otherwise they are null with a reason (metrics.md: a metric whose source is not connected is null, not 0).
 */
@Injectable()
export class BillingStatus {
  constructor(
    private readonly ledger: LedgerRepository,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {}

  async connected(manager?: EntityManager): Promise<boolean> {
    if (stripeConfigured(this.options.stripe)) return true;
    return this.ledger.hasRevenue(manager);
  }

  /** Currencies of revenue that cannot be converted to the reporting currency (no rate configured). */
  unconvertedCurrencies(currency: string, rates: Record<string, number>): Promise<string[]> {
    return this.ledger.unconvertedCurrencies(currency, rates);
  }
}
