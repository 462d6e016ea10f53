import { METRIC_CATALOG } from '../catalog/metric-catalog.js';
import { quoteIdent } from '../database/named-sql.js';
import { tenantIs } from './tenant-predicate.js';

/** The rates per period (churn) of the catalog: over more than a calendar month they are monthly averages. */
export const PER_PERIOD_RATES: readonly string[] = METRIC_CATALOG.filter(
  (metric) => metric.ratio?.perPeriod && !metric.internal,
).map((metric) => metric.key);

/**
 * The average monthly rate of every per-period rate over [:range_start, :range_end] (metrics.md, "Rates per
 * period"): the mean of the monthly buckets' rates, each month weighted by the share of its days inside the range
 * (a range from the 16th of a 30-day month counts that month half). Months without a rate (nothing computed, a
 * denominator of 0) leave the mean. `per_month` says whether the range is longer than one calendar month, the only
 * case where these values replace the range's own rates. `months` is a relation of monthly rows (bucket_date and
 * the rate columns) of one scope: the stored snapshots for GET summary, a recomputation for the conventions
 * comparison — one weighting for both.
 */
export function monthlyRateAveragesSql(months: string): string {
  const lastDay = `((bucket_date + interval '1 month')::date - 1)`;
  const weight = `(least(${lastDay}, :range_end::date) - greatest(bucket_date, :range_start::date) + 1)::numeric
      / (${lastDay} - bucket_date + 1)`;
  const averages = PER_PERIOD_RATES.map((key) => {
    const column = quoteIdent(key);
    return `round(sum(weight * ${column}) / nullif(sum(weight) FILTER (WHERE ${column} IS NOT NULL), 0), 2) AS ${column}`;
  });
  return `SELECT :range_end::date >= (:range_start::date + interval '1 month')::date AS per_month
      ${averages.map((average) => `, ${average}`).join('')}
    FROM (
      SELECT *, ${weight} AS weight FROM (${months}) AS scoped_months
      WHERE bucket_date BETWEEN date_trunc('month', :range_start::date)::date AND :range_end::date
    ) AS months`;
}

/** The average monthly rates of a range from the stored monthly snapshots of one scope (GET summary). */
export function monthlyRatesSql(tenant: string | null): string {
  return monthlyRateAveragesSql(`SELECT * FROM system_metrics_snapshot
      WHERE environment = :env AND bucket_type = 'monthly' AND ${tenantIs('tenant_id', tenant, 'scope_tenant')}`);
}
