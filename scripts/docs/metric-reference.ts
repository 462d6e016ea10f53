import type { MetricDefinition, MetricKind } from '@exec-metrics/metrics';
import { cell, code, generatedNotice } from './markdown.js';

type DailyRule = MetricDefinition['daily'];
type Ratio = NonNullable<MetricDefinition['ratio']>;
type Rollup = NonNullable<MetricDefinition['rollup']>;

/** How each kind turns daily values into a week, a month or a range (metrics.md, "Kinds of metric"). */
const KIND_OVER_BUCKET: Record<MetricKind, string> = {
  flow: 'sum of the days',
  stock: 'value on the last day',
  opening: 'value on the first day',
  distinct: 'distinct users',
  ratio: 'recomputed from its components',
};

const ROLLUP: Record<Rollup['weekly'], string> = {
  average: 'average of the days',
  last: 'last day',
  bucket_distinct: 'distinct in the bucket',
};

function overBucket(metric: MetricDefinition): string {
  // Values that only exist per bucket, and ratios averaged day by day, do not follow their kind's usual rule.
  if ('bucketFact' in metric.daily) return `${metric.kind}: computed per bucket from its bucket fact`;
  if (metric.ratio?.special === 'mean_of_daily') return `${metric.kind}: mean of the daily values`;
  const base = KIND_OVER_BUCKET[metric.kind] ?? metric.kind;
  if (!metric.rollup) return `${metric.kind}: ${base}`;
  const { weekly, monthly, range } = metric.rollup;
  return `${metric.kind}: week ${ROLLUP[weekly]}, month ${ROLLUP[monthly]}, range ${ROLLUP[range]}`;
}

function ratioFormula(ratio: Ratio): string {
  const num = code(ratio.numerator);
  const den = code(ratio.denominator);
  const scale = ratio.scale === 100 ? ' × 100' : '';
  let formula: string;
  if (ratio.special === 'histogram_p95') formula = `95th percentile of the histogram ${num} (of ${den})`;
  else if (ratio.special === 'ltv') formula = `${num} ÷ ${den}, from their components (months and ranges only)`;
  else if (ratio.retention === 'add') formula = `(${den} + ${num}) ÷ ${den}${scale}`;
  else if (ratio.retention === 'subtract') formula = `(${den} − ${num}) ÷ ${den}${scale}`;
  else if (ratio.change === 'growth') formula = `(${num} − ${den}) ÷ ${den}${scale}`;
  else if (ratio.change === 'negated') formula = `−${num} ÷ ${den}${scale}`;
  else formula = `${num} ÷ ${den}${scale}`;
  if (ratio.special === 'mean_of_daily') formula = `mean of the daily ${formula}`;
  const notes = [`${ratio.decimals} decimals`];
  if (ratio.maturesAfterDays) notes.push(`null until ${ratio.maturesAfterDays} days after the bucket`);
  if (ratio.perPeriod) notes.push('average monthly rate over ranges longer than a month');
  return `${formula} (${notes.join('; ')})`;
}

/** The daily rule in words; a rule of a shape this page does not know yet is printed as it is declared. */
function dailyRule(rule: DailyRule, metric: MetricDefinition): string {
  if ('fact' in rule) return `fact ${code(rule.fact)}`;
  if ('bucketFact' in rule) return `bucket fact ${code(rule.bucketFact)}`;
  if ('cumulative' in rule) return `running total of ${code(rule.cumulative)}`;
  if ('previousDay' in rule) return `${code(rule.previousDay)} at the end of the previous day`;
  if ('config' in rule) return `configuration ${code(rule.config)}`;
  if ('derived' in rule && metric.ratio) return ratioFormula(metric.ratio);
  return code(JSON.stringify(rule));
}

function computedAs(metric: MetricDefinition): string {
  const parts = [dailyRule(metric.daily, metric)];
  // A flow's bucket fact is its range summary's exact sum (its stored days are rounded); a distinct metric's, its buckets'.
  if (metric.bucketFact && metric.kind === 'flow')
    parts.push(`ranges: bucket fact ${code(metric.bucketFact)}, unrounded`);
  else if (metric.bucketFact) parts.push(`buckets: bucket fact ${code(metric.bucketFact)}`);
  return parts.join('; ');
}

function table(metrics: readonly MetricDefinition[]): string[] {
  const rows = metrics.map(
    (metric) =>
      `| ${[
        code(metric.key),
        metric.label,
        metric.unit,
        overBucket(metric),
        metric.source,
        computedAs(metric),
        code(metric.column),
        metric.description,
      ]
        .map(cell)
        .join(' | ')} |`,
  );
  return [
    '| key | label | unit | kind: week, month, range | source | daily value | column | description |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

/** Groups in the order the catalog first names them (the order of the CSV header and the API). */
function groups(metrics: readonly MetricDefinition[]): string[] {
  return [...new Set(metrics.map((metric) => metric.group))];
}

/**
 * docs/reference/metrics.md: every metric of the catalog, one table per group, from the catalog alone (the
 * catalog's order is the CSV header's, so the page follows it rather than the alphabet).
 */
export function renderMetricReference(
  catalog: readonly MetricDefinition[],
  latencyBucketsMs: readonly number[],
): string {
  const visible = catalog.filter((metric) => !metric.internal);
  const internal = catalog.filter((metric) => metric.internal);
  const lines = [
    '# Metric reference',
    '',
    generatedNotice('the metric catalog (`libs/metrics/src/catalog/`)'),
    '',
    `What each metric means: [metric definitions](../metrics.md). ${visible.length} public metrics (the API's ` +
      '`GET catalog`, the CSV header, the dashboard) and ' +
      `${internal.length} internal components stored for exact re-aggregation. "Daily value" is how a day's value ` +
      'is obtained; "kind" says how days combine into a week, a month or a range.',
  ];
  for (const group of groups(visible)) {
    lines.push('', `## ${group}`, '', ...table(visible.filter((metric) => metric.group === group)));
  }
  lines.push(
    '',
    '## Internal components',
    '',
    'Stored in every snapshot so that ratios can be recomputed over any bucket; not in the API, the CSV or the dashboard.',
    '',
    ...table(internal),
    '',
    '## Latency histogram',
    '',
    `Upper bounds of the API latency histogram buckets, in ms (the last bucket is open-ended): ${latencyBucketsMs
      .map(String)
      .join(', ')}.`,
    '',
  );
  return lines.join('\n');
}
