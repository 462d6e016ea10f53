import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RevenueCompareRepository } from '../repositories/revenue-compare.repository.js';
import { MetricsSources } from '../sources/source-check.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { toNumber } from '../common/metric-values.js';
import { monthStart } from '../common/calendar-dates.js';
import { BillingStore } from './billing-store.js';
import { findMetric, type MetricKey } from '../catalog/metric-catalog.js';
import { toConventionsJson, type AllConventions, type ConventionsJson } from './revenue-conventions.js';
import { MRR_DISCOUNT_CONVENTIONS } from '../entities/revenue-conventions.types.js';

/** The headline revenue metrics the comparison shows (issue 17: what each vendor's convention would say). */
export const COMPARED_METRICS = [
  'mrr_at_start',
  'mrr',
  'mrr_new',
  'mrr_expansion',
  'mrr_contraction',
  'mrr_churn',
  'mrr_reactivation',
  'mrr_net_new',
  'nrr',
  'grr',
  'quick_ratio',
  'logo_churn_rate',
] as const satisfies readonly MetricKey[];

export interface ConventionVariant {
  /** `configured`, or the one field changed from it (`mrr_discounts=all`, …). */
  name: string;
  conventions: ConventionsJson;
  metrics: Record<ComparedMetric, number | null>;
}

type ComparedMetric = (typeof COMPARED_METRICS)[number];

/** The compared rates per period (churn): over more than a calendar month, average monthly rates as in GET summary. */
const COMPARED_PER_PERIOD = COMPARED_METRICS.filter((key) => findMetric(key)?.ratio?.perPeriod === true);

export interface ConventionsComparison {
  start: string;
  end: string;
  tenant: string | null;
  /** The metrics given per month (average monthly rates) because the range is longer than one calendar month. */
  per: Partial<Record<ComparedMetric, 'month'>>;
  variants: ConventionVariant[];
}

/** The configured conventions, then each alternative changing one of them (Baremetrics' 30 days for past due). */
function variantsOf(configured: AllConventions): { name: string; conventions: AllConventions }[] {
  return [
    { name: 'configured', conventions: configured },
    ...MRR_DISCOUNT_CONVENTIONS.filter((value) => value !== configured.mrrDiscounts).map((value) => ({
      name: `mrr_discounts=${value}`,
      conventions: { ...configured, mrrDiscounts: value },
    })),
    {
      name: `past_due_churn_after_days=${configured.pastDueChurnAfterDays === null ? 30 : null}`,
      conventions: { ...configured, pastDueChurnAfterDays: configured.pastDueChurnAfterDays === null ? 30 : null },
    },
    {
      name: `quick_ratio_includes_reactivation=${!configured.quickRatioIncludesReactivation}`,
      conventions: { ...configured, quickRatioIncludesReactivation: !configured.quickRatioIncludesReactivation },
    },
  ];
}

/**
 * The revenue of a range under each convention, side by side, without changing stored numbers: in one
 * transaction that is always rolled back, each variant rebuilds the ledger from the stored subscription states
 * and computes the range from it with the same SQL as the snapshots (a range bucket, as GET summary has it).
 */
@Injectable()
export class ConventionsCompareService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: MetricsConfigService,
    private readonly store: BillingStore,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    private readonly sources: MetricsSources,
    private readonly revenue: RevenueCompareRepository,
  ) {}

  /** The host relations as the start-up check resolved them (casts chosen from their column types). */
  private get relations() {
    return this.sources.relations;
  }

  async compare(start: string, end: string, tenant: string | null): Promise<ConventionsComparison> {
    const config = await this.config.get();
    const configured: AllConventions = {
      mrrDiscounts: config.mrr_discounts,
      pastDueChurnAfterDays: config.past_due_churn_after_days,
      quickRatioIncludesReactivation: config.quick_ratio_includes_reactivation,
    };
    const params = {
      tz: config.timezone,
      tenant,
      actions: config.activation_actions,
      as_of: new Date().toISOString(),
      env: this.options.environment,
      monthly_burn_rate: config.monthly_burn_rate,
      cash_balance: config.cash_balance,
      runway_months: MetricsConfigService.runwayMonths(config),
      currency: config.currency,
      rates: JSON.stringify(config.currency_rates ?? {}),
      outstanding_invoices_count: config.outstanding_invoices_count,
      outstanding_invoices_value: config.outstanding_invoices_value,
      w0: start,
      w1: end,
      range_start: start,
      range_end: end,
    };
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await this.revenue.withoutJit(runner);
      const variants: ConventionVariant[] = [];
      const per: ConventionsComparison['per'] = {};
      let ledgerOf: AllConventions = configured;
      for (const { name, conventions } of variantsOf(configured)) {
        const ledgerChanged =
          conventions.mrrDiscounts !== ledgerOf.mrrDiscounts ||
          conventions.pastDueChurnAfterDays !== ledgerOf.pastDueChurnAfterDays;
        if (ledgerChanged) await this.store.rebuildAllLedgers(runner.manager, conventions);
        ledgerOf = conventions;
        const variantParams = { ...params, quick_reactivation: conventions.quickRatioIncludesReactivation };
        const row = await this.revenue.rangeRow(runner, this.relations, variantParams);
        const metrics = Object.fromEntries(
          COMPARED_METRICS.map((key) => [key, toNumber(row?.[key])]),
        ) as ConventionVariant['metrics'];
        // Within one calendar month the range's own rate is the monthly rate; beyond, the average of the months'.
        if (monthStart(start) !== monthStart(end)) {
          const monthly = await this.revenue.monthlyRates(runner, this.relations, variantParams);
          if (monthly?.per_month === true) {
            for (const key of COMPARED_PER_PERIOD) {
              metrics[key] = toNumber(monthly[key]);
              per[key] = 'month';
            }
          }
        }
        variants.push({ name, conventions: toConventionsJson(conventions), metrics });
      }
      return { start, end, tenant, per, variants };
    } finally {
      // Nothing of the comparison is kept: the stored ledger and snapshots stay as they were.
      await runner.rollbackTransaction();
      await runner.release();
    }
  }
}
