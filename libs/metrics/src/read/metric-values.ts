import { PUBLIC_METRICS } from '../catalog/metric-catalog.js';

export type MetricValues = Record<string, number | null>;

/** A database value (pg gives bigint and numeric as strings, PGlite bigint as a number) as a JSON number. */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : null;
}

/** The public metrics of a snapshot-shaped row, keyed by catalog key. */
export function metricValues(row: Record<string, unknown> | undefined): MetricValues {
  const values: MetricValues = {};
  for (const metric of PUBLIC_METRICS) values[metric.key] = row ? toNumber(row[metric.key]) : null;
  return values;
}
