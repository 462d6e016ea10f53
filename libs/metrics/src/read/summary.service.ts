import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BillingStatus } from '../sources/billing-status.service.js';
import { AlertsService, type SummaryAlert } from '../alerts/alerts.service.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { bucketFactsSql } from '../sql/bucket-facts.sql.js';
import { workMetrics } from '../sql/daily-work.sql.js';
import { BUCKET_DATE, rollupSql } from '../sql/rollup.sql.js';
import { MetricsSources } from '../sources/source-check.js';
import { NO_JIT } from '../database/session-settings.js';
import { compileSql, quoteIdent } from '../database/named-sql.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { METRICS_OPTIONS } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { breakdownsOf, metricValues, toNumber, type Breakdowns, type MetricValues } from '../common/metric-values.js';
import { ltvFromMonthlyChurn } from '../catalog/metrics/revenue-investor.js';
import { monthlyRatesSql, PER_PERIOD_RATES } from './monthly-rates.js';
import { daysBetween } from '../common/calendar-dates.js';
import { tenantIs } from './tenant-predicate.js';
import { withReadConnection } from '../database/read-replica.js';

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
 * snapshots, with distinct users counted over the range from the sources), the latest snapshot and the
 * alerts it triggers. Over more than a calendar month the churn rates are average monthly rates.
 */
@Injectable()
export class SummaryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: MetricsConfigService,
    private readonly billing: BillingStatus,
    @Inject(METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
    private readonly alerts: AlertsService,
    private readonly sources: MetricsSources,
  ) {}

  async summary(query: SummaryQuery): Promise<MetricsSummary> {
    const config = await this.config.get();
    const enabled = MetricsConfigService.enabledSources(config, await this.billing.connected());
    const tenant = query.tenant ?? null;
    const bucket = query.bucket ?? 'daily';
    const params = {
      env: this.options.environment,
      scope_tenant: tenant,
      tenant,
      tz: config.timezone,
      actions: config.activation_actions,
      as_of: (query.asOf ?? new Date()).toISOString(),
      range_start: query.start,
      range_end: query.end,
      w0: query.start,
      w1: query.end,
      currency: config.currency,
      rates: JSON.stringify(config.currency_rates ?? {}),
    };
    const scope = tenantIs('tenant_id', tenant, 'scope_tenant');
    const dailyRows = `SELECT tenant_id IS NULL AS is_global, tenant_id, bucket_date AS day,
        ${workMetrics()
          .map((metric) => quoteIdent(metric.key))
          .join(', ')}
      FROM system_metrics_snapshot
      WHERE environment = :env AND bucket_type = 'daily' AND ${scope}
        AND bucket_date BETWEEN :range_start::date AND :range_end::date`;
    const relations = this.sources.relations;
    const rolledUp = rollupSql(
      dailyRows,
      bucketFactsSql(relations, enabled, BUCKET_DATE.range),
      'range',
      enabled,
      // The rows are stored daily snapshots: every one of them is a computed day.
      ':range_end::date',
    );
    const aggregated = compileSql(
      `SELECT * FROM (${rolledUp}) AS r
       WHERE ${tenantIs('r.tenant_id', tenant, 'scope_tenant')}`,
      params,
    );
    const counted = compileSql(
      `SELECT count(*)::int AS days FROM system_metrics_snapshot
       WHERE environment = :env AND bucket_type = 'daily' AND ${scope}
         AND bucket_date BETWEEN :range_start::date AND :range_end::date`,
      params,
    );
    const monthly = compileSql(monthlyRatesSql(tenant), params);
    const latest = compileSql(
      `SELECT *, bucket_date::text AS bucket_day FROM system_metrics_snapshot
       WHERE environment = :env AND bucket_type = :bucket::varchar AND ${scope}
         AND bucket_date <= :range_end::date
       ORDER BY bucket_date DESC LIMIT 1`,
      { ...params, bucket },
    );
    const [[rangeRow], [{ days }], [monthlyRow], [latestRow]] = await withReadConnection(
      this.dataSource,
      async (query) => {
        await query(NO_JIT);
        return [
          await query(aggregated.text, aggregated.values),
          await query<{ days: number }>(counted.text, counted.values),
          await query(monthly.text, monthly.values),
          await query(latest.text, latest.values),
        ] as const;
      },
      true,
    ).catch(async (error: unknown) => {
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
