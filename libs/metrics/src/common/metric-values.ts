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

/** AI usage of one model over a bucket. */
export interface AiModelUsage {
  tokens: number;
  cost_usd: number;
  requests: number;
}

/** The breakdowns of a snapshot-shaped row: null where the source is off or had nothing in the bucket. */
export interface Breakdowns {
  ai: Record<string, AiModelUsage> | null;
  activation: Record<string, number> | null;
}

/** pg hands jsonb back parsed; a driver that gives text is parsed here. */
function json<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function breakdownsOf(row: Record<string, unknown> | undefined): Breakdowns {
  return {
    ai: json<Record<string, AiModelUsage>>(row?.ai_breakdown),
    activation: json<Record<string, number>>(row?.activation_breakdown),
  };
}
