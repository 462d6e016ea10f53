import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { METRICS_OPTIONS } from '../metrics.module-definition.js';
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
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
  ) {}

  async connected(manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    if (stripeConfigured(this.options.stripe)) return true;
    const [{ recorded }] = (await manager.query(
      `SELECT EXISTS (SELECT 1 FROM metrics_revenue_ledger) AS recorded`,
    )) as { recorded: boolean }[];
    return recorded;
  }

  /** Currencies of revenue that cannot be converted to the reporting currency (no rate configured). */
  async unconvertedCurrencies(currency: string, rates: Record<string, number>): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT currency FROM (
         SELECT currency FROM metrics_revenue_ledger UNION SELECT currency FROM metrics_billing_invoice_state) AS used
       WHERE currency <> upper($1::text) AND NOT ($2::jsonb ? currency) ORDER BY 1`,
      [currency, JSON.stringify(rates)],
    )) as { currency: string }[];
    return rows.map((row) => row.currency);
  }
}
