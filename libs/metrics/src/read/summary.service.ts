import { Injectable } from '@nestjs/common';
import { BillingStatus } from '../sources/billing-status.service.js';
import { AlertsService, type SummaryAlert } from '../alerts/alerts.service.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { MetricsSources } from '../sources/source-check.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { breakdownsOf, metricValues, toNumber, type Breakdowns, type MetricValues } from '../common/metric-values.js';
import { ltvFromMonthlyChurn } from '../catalog/metrics/revenue-investor.js';
import { daysBetween } from '../common/calendar-dates.js';
import { PER_PERIOD_RATES, SnapshotSummaryRepository } from '../repositories/snapshot-summary.repository.js';

export interface SummaryQuery {
  start: string;
  end: string;
  tenant?: string | null;
  bucket?: BucketType;
  asOf?: Date;
}

export interface MetricsSummary {
  /** `days`: the range's length; `days_with_data`: its days with a daily snapshot (a comparison needs ≥ 90%). */
  range: {
    start: string;
    end: string;
    tenant: string | null;
    bucket: BucketType;
    days: number;
    days_with_data: number;
  };
  metrics: MetricValues;
  /** The period each rate per period covers: `month` (an average monthly rate) or the whole `range`. */
  per: Record<string, 'month' | 'range'>;
  /** Per-model AI usage and per-action activation over the range. */
  breakdowns: Breakdowns;
  latest: {
    bucket_type: BucketType;
    bucket_date: string;
    computed_at: string;
    metrics: MetricValues;
    breakdowns: Breakdowns;
  } | null;
  alerts: SummaryAlert[];
  unavailable: Record<string, string>;
}

/**
 * A date range at a glance: every metric aggregated over the range by its kind (from the stored daily
 * snapshots, with users per key action counted over the range from the key-action days when they hold it, else
 * from the source), the latest snapshot and the alerts it triggers. Over more than a calendar month the churn
 * rates are average monthly rates.
 */
@Injectable()
export class SummaryService {
  constructor(
    private readonly snapshots: SnapshotSummaryRepository,
    private readonly config: MetricsConfigService,
    private readonly billing: BillingStatus,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    private readonly alerts: AlertsService,
    private readonly sources: MetricsSources,
  ) {}

  async summary(query: SummaryQuery): Promise<MetricsSummary> {
    const config = await this.config.get();
    const enabled = MetricsConfigService.enabledSources(config, await this.billing.connected());
    const tenant = query.tenant ?? null;
    const bucket = query.bucket ?? 'daily';
    const {
      range: rangeRow,
      daysWithData: days,
      monthly: monthlyRow,
      latest: latestRow,
    } = await this.snapshots
      .read({
        env: this.options.environment,
        start: query.start,
        end: query.end,
        tenant,
        bucket,
        asOf: (query.asOf ?? new Date()).toISOString(),
        timezone: config.timezone,
        activationActions: config.activation_actions,
        currency: config.currency,
        rates: config.currency_rates ?? {},
        enabled,
        relations: this.sources.relations,
      })
      .catch(async (error: unknown) => {
        // A host relation changed since start: answered as 503 naming the source and column, not a bare 500.
        throw await this.sources.explain(error);
      });

    const latestValues = latestRow ? metricValues(latestRow) : null;
    const perMonth = monthlyRow.per_month === true;
    const metrics = metricValues(rangeRow);
    const per: Record<string, 'month' | 'range'> = {};
    for (const key of PER_PERIOD_RATES) {
      per[key] = perMonth ? 'month' : 'range';
      if (perMonth) metrics[key] = toNumber(monthlyRow[key]);
    }
    if (perMonth) metrics.ltv = ltvFromMonthlyChurn(metrics.arpa, metrics.logo_churn_rate);
    return {
      range: {
        start: query.start,
        end: query.end,
        tenant,
        bucket,
        days: daysBetween(query.start, query.end) + 1,
        days_with_data: days,
      },
      metrics,
      per,
      breakdowns: breakdownsOf(rangeRow),
      latest: latestRow
        ? {
            bucket_type: bucket,
            bucket_date: String(latestRow.bucket_day),
            computed_at: new Date(latestRow.computed_at as string).toISOString(),
            metrics: latestValues!,
            breakdowns: breakdownsOf(latestRow),
          }
        : null,
      alerts: latestRow
        ? await this.alerts.forSnapshot(latestValues!, config, {
            bucket_type: bucket,
            bucket_date: String(latestRow.bucket_day),
            tenant,
          })
        : [],
      unavailable: {
        ...unavailableReasons(enabled),
        ...(await this.unconvertedReason(enabled, config.currency, config.currency_rates ?? {})),
      },
    };
  }

  /** Revenue in a currency without a rate is left out of the revenue metrics: said, never silently dropped. */
  private async unconvertedReason(
    enabled: ReadonlySet<string>,
    currency: string,
    rates: Record<string, number>,
  ): Promise<Record<string, string>> {
    if (!enabled.has('billing')) return {};
    const missing = await this.billing.unconvertedCurrencies(currency, rates);
    return missing.length === 0
      ? {}
      : {
          currency_rates: `Revenue in ${missing.join(', ')} is left out of the revenue metrics: no rate to ${currency} in currency_rates`,
        };
  }
}

/** Why some metrics are null: their source is not connected (metrics.md: null, not 0, and the API says why). */
export function unavailableReasons(enabled: ReadonlySet<string>): Record<string, string> {
  const reasons: Record<string, string> = {};
  if (!enabled.has('billing')) {
    reasons.billing = 'Stripe is not configured and the revenue ledger is empty: revenue metrics are null';
  }
  if (!enabled.has('ai')) reasons.ai = 'AI tracking is switched off in the configuration';
  if (!enabled.has('api')) reasons.api = 'API tracking is switched off in the configuration';
  if (!enabled.has('jobs')) reasons.jobs = 'Job tracking is switched off in the configuration';
  return reasons;
}
