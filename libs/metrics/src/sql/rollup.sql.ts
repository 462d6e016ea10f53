import { LATENCY_BUCKETS_MS, METRIC_CATALOG } from '../catalog/metric-catalog.js';
import { histogramSumSql } from '../catalog/facts/latency-histogram.js';
import type { DistinctRollup, MetricDefinition } from '../catalog/catalog.types.js';
import { unreachable } from '../common/unreachable.js';
import { quoteIdent } from '../database/named-sql.js';
import { DAY_START } from './source-facts.js';
import { SAME_TENANT } from './sql-fragments.js';
import { workMetrics } from './daily-work.sql.js';
import { BUCKET_DATE, BUCKET_LAST_DAY, type RollupBucket } from './bucket-dates.js';

export { BUCKET_DATE, BUCKET_LAST_DAY, type RollupBucket } from './bucket-dates.js';

/**
 * A column's value on its bucket's last and first day, each row flagged by one window over the bucket's days
 * (`daily_rows`): an aggregate with its own ORDER BY sorted each bucket's values once per column (PostgreSQL 15), ~40
 * tiny sorts per bucket; the flags take one sort of the rows. In psql, three years of daily snapshots at scale 1
 * (110,696 one-day buckets, 40 columns): 2.3 → 0.95 s, by month 0.91 → 0.29 s; in a scale-1 backfill's nine bucket
 * upserts, where the rest of each statement weighs more, 15.9 → 15.4 s (two alternated backfills).
 */
const last = (column: string) => `(array_agg(${column}) FILTER (WHERE last_of_bucket))[1]`;
const first = (column: string) => `(array_agg(${column}) FILTER (WHERE first_of_bucket))[1]`;

function distinctRule(metric: MetricDefinition, bucket: RollupBucket): DistinctRollup | 'value' {
  if ('bucketFact' in metric.daily) return 'bucket_distinct';
  if (bucket === 'daily' || !metric.rollup) return 'value';
  return metric.rollup[bucket];
}

function bucketFactKey(metric: MetricDefinition): string {
  const rule = metric.daily;
  return 'bucketFact' in rule ? rule.bucketFact : (metric.bucketFact ?? metric.key);
}

/** How a work metric's daily values combine over a bucket; averages only over days up to `through`. */
function aggregate(metric: MetricDefinition, bucket: RollupBucket, through: string): string {
  const column = quoteIdent(metric.key);
  switch (metric.kind) {
    case 'flow':
      return metric.column === 'bigint[]' ? histogramSumSql(column) : `sum(${column})`;
    case 'stock':
      return last(column);
    case 'opening':
      return first(column);
    case 'distinct': {
      const rule = distinctRule(metric, bucket);
      // A day not computed yet (today, to date) is not a 0 in the average (metrics.md).
      if (rule === 'average') return `round(avg(${column}) FILTER (WHERE day <= ${through}), 2)`;
      // bucket_distinct values are replaced from the bucket facts; the daily value stands in until then.
      return last(column);
    }
    case 'ratio':
      throw new Error(`metric ${metric.key}: kind ${metric.kind} is not aggregated`);
    default:
      return unreachable(metric.kind, 'metric kind');
  }
}

/**
 * A ratio's value in a bucket from its rolled-up components, read as columns of their own names (`bucket_date` and
 * :as_of for a ratio that matures): the rollup's, and the activation refresh's over stored rows.
 */
export function ratioValueSql(metric: MetricDefinition, bucket: RollupBucket): string {
  const ratio = metric.ratio!;
  const numerator = quoteIdent(ratio.numerator);
  const denominator = quoteIdent(ratio.denominator);
  let dividend = numerator;
  if (ratio.retention) dividend = `(${denominator} ${ratio.retention === 'add' ? '+' : '-'} coalesce(${numerator}, 0))`;
  if (ratio.change === 'growth') dividend = `(${numerator} - ${denominator})`;
  if (ratio.change === 'negated') dividend = `(-${numerator})`;
  let value = `round(${dividend}::numeric * ${ratio.scale} / nullif(${denominator}, 0), ${ratio.decimals})`;
  if (ratio.special === 'histogram_p95') {
    value = `round(metrics_histogram_quantile(${numerator}, ARRAY[${LATENCY_BUCKETS_MS.join(', ')}]::numeric[], 0.95), ${ratio.decimals})`;
  }
  if (ratio.special === 'mean_of_daily') value = quoteIdent(dailyMeanColumn(metric));
  if (ratio.special === 'ltv') {
    value =
      bucket === 'monthly' || bucket === 'range'
        ? `round(mrr::numeric * paying_at_start / nullif(paying_customers::numeric * paying_retained_lost, 0), ${ratio.decimals})`
        : 'NULL::numeric';
  }
  if (ratio.maturesAfterDays) {
    const matureAt = DAY_START(`${BUCKET_LAST_DAY[bucket]('bucket_date')} + 1 + ${ratio.maturesAfterDays}`);
    value = `CASE WHEN ${matureAt} <= :as_of::timestamptz THEN ${value} END`;
  }
  return value;
}

const dailyMeanColumn = (metric: MetricDefinition) => `${metric.key}__daily_mean`;

/**
 * The mean of a ratio's daily values (each rounded as a daily snapshot stores it) over the bucket's days with
 * data: days where the denominator is 0 have no ratio, days after `through` are not computed yet.
 */
function dailyMean(metric: MetricDefinition, through: string, oneDay: boolean): string {
  const ratio = metric.ratio!;
  const daily = `round(${quoteIdent(ratio.numerator)}::numeric * ${ratio.scale} / nullif(${quoteIdent(ratio.denominator)}, 0), ${ratio.decimals})`;
  const mean = oneDay
    ? `CASE WHEN day <= ${through} THEN ${daily} END`
    : `round(avg(${daily}) FILTER (WHERE day <= ${through}), ${ratio.decimals})`;
  return `${mean} AS ${quoteIdent(dailyMeanColumn(metric))}`;
}

/** A statement as named CTEs and the SELECT that reads them: callers add their own CTEs and final statement. */
export interface ComposedSql {
  ctes: string[];
  select: string;
}

/**
 * Rolls daily rows up into buckets and finishes every stored column: sums, last and first values by kind,
 * distinct counts from the bucket facts, ratios from their rolled-up components (never averaged), and
 * null for metrics whose source is not connected yet.
 *
 * `dailyRows` yields is_global, tenant_id, day and the work metrics; `bucketFacts` is bucketFactsCtes() (its last
 * CTE is `bucket_facts`); `averagesThrough` is a date expression: the last day whose value counts in averages
 * (days after it are to date). The CTEs, in order: the bucket facts', `daily_rows`, `rolled` (one row per bucket),
 * `finished` (every stored column but the ratios); the SELECT adds the ratios.
 *
 * A daily bucket is one day (`dailyRows` hold one row per scope and day): its rolled values are the day's own, read
 * without the window that flags a bucket's last and first day and without grouping. Each aggregate of one value is
 * that value (a sum, a histogram's sum, the last or first value, the mean of one day's ratio), so the rows are those
 * the grouping gave; a scale-1 backfill's three years of daily upserts sorted and grouped ~110,000 one-day buckets for
 * it (~0.4 s a year; performance-history.md, "fourteenth session").
 */
export function rollupSql(
  dailyRows: string,
  bucketFacts: string[],
  bucket: RollupBucket,
  enabled: ReadonlySet<string>,
  averagesThrough: string,
): ComposedSql {
  const work = workMetrics();
  const bucketDate = BUCKET_DATE[bucket]('day');
  const oneDay = bucket === 'daily';
  const means = METRIC_CATALOG.filter((metric) => metric.ratio?.special === 'mean_of_daily');
  const rolled = [
    ...work.map(
      (metric) =>
        `${oneDay ? quoteIdent(metric.key) : aggregate(metric, bucket, averagesThrough)} AS ${quoteIdent(metric.key)}`,
    ),
    ...means.map((metric) => dailyMean(metric, averagesThrough, oneDay)),
  ];

  const finished = METRIC_CATALOG.filter((metric) => metric.kind !== 'ratio').map((metric) => {
    const column = quoteIdent(metric.key);
    if ('bucketFact' in metric.daily && metric.kind !== 'distinct') {
      // Sums per bucket (NRR's components): zero without movements, null when the source is not connected.
      const fact = `(bf.facts ->> '${metric.daily.bucketFact}')::numeric`;
      return enabled.has(metric.source) ? `coalesce(${fact}, 0) AS ${column}` : `NULL::numeric AS ${column}`;
    }
    if (bucket === 'range' && metric.kind === 'flow' && metric.bucketFact) {
      // The range's exact sum, rounded as the stored column rounds (a month's bucket sums its unrounded days too);
      // null while the source is not connected, as its stored days are.
      const fact = `coalesce((bf.facts ->> '${metric.bucketFact}')::numeric, 0)::${metric.column}`;
      return `CASE WHEN r.${column} IS NOT NULL THEN ${fact} END AS ${column}`;
    }
    if (metric.kind === 'distinct' && distinctRule(metric, bucket) === 'bucket_distinct') {
      const fact = `(bf.facts ->> '${bucketFactKey(metric)}')::bigint`;
      // Without any activity in the bucket the fact is absent: zero when the source is connected.
      const connected = 'bucketFact' in metric.daily ? 'true' : `r.${column} IS NOT NULL`;
      return `CASE WHEN ${connected} THEN coalesce(${fact}, 0) END AS ${column}`;
    }
    return `r.${column}`;
  });
  finished.push(...means.map((metric) => `r.${quoteIdent(dailyMeanColumn(metric))}`));

  const ratios = METRIC_CATALOG.filter((metric) => metric.kind === 'ratio').map(
    (metric) => `${ratioValueSql(metric, bucket)} AS ${quoteIdent(metric.key)}`,
  );

  return {
    ctes: [
      ...bucketFacts,
      oneDay
        ? `daily_rows AS (${dailyRows})`
        : `daily_rows AS (
        SELECT work_day.*, lag(work_day.day) OVER by_bucket IS NULL AS last_of_bucket,
               lead(work_day.day) OVER by_bucket IS NULL AS first_of_bucket
        FROM (${dailyRows}) AS work_day
        WINDOW by_bucket AS (PARTITION BY work_day.is_global, work_day.tenant_id, ${BUCKET_DATE[bucket]('work_day.day')}
                             ORDER BY work_day.day DESC))`,
      `rolled AS (
        SELECT is_global, tenant_id, ${bucketDate} AS bucket_date, ${rolled.join(',\n          ')}
        FROM daily_rows${
          oneDay
            ? ''
            : `
        GROUP BY is_global, tenant_id, ${bucketDate}`
        })`,
      `finished AS (
        SELECT r.is_global, r.tenant_id, r.bucket_date, ${finished.join(', ')},
               bf.activation_breakdown, bf.ai_breakdown
        FROM rolled AS r
        LEFT JOIN bucket_facts AS bf
          ON bf.is_global = r.is_global AND ${SAME_TENANT('bf', 'r')} AND bf.bucket_date = r.bucket_date)`,
    ],
    select: `SELECT finished.*, ${ratios.join(',\n      ')}
    FROM finished`,
  };
}
