import type { EntityManager } from 'typeorm';
import { findMetric } from '../catalog/metric-catalog.js';
import { formatNumber, scopeLabel, type AlertCondition } from './alert-condition.js';
import type { AnomalySettings } from './alerts.options.js';
import { SnapshotAnomaliesRepository } from '../repositories/snapshot-anomalies.repository.js';

export interface AnomalyQuery {
  environment: string;
  /** Null: the global view and every tenant. */
  tenant: string | null;
  /** The target days (both included); evaluation after a run passes the latest day twice. */
  start: string;
  end: string;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const round = (value: number) => Math.round(value * 100) / 100;

/**
 * The spread that chance alone gives a value, below which a history's spread is not believed: a count
 * around m varies by about √m (Poisson), a percentage of n items around p by 100·√(p(1−p)/n) (binomial),
 * with p at least 1/(n+1) so that a rate that was always 0 % is not certain to stay 0 % on a dozen items.
 */
function noiseFloor(unit: string, median: number, denominator: number | null): number {
  if (unit === 'count') return Math.sqrt(Math.max(Math.abs(median), 1));
  if (unit === 'percent' && denominator !== null && Number(denominator) > 0) {
    const n = Number(denominator);
    const p = Math.min(Math.max(median / 100, 1 / (n + 1)), 1 - 1 / (n + 1));
    return 100 * Math.sqrt((p * (1 - p)) / n);
  }
  return 0;
}

/**
 * Values that depart from their own history: one set-based query scores every watched metric of every scope
 * and day (SnapshotAnomaliesRepository, docs/sql/snapshot-anomalies.sql); a score counts as an anomaly when there is enough history, the robust
 * z-score reaches `warningZ` and the change is large in absolute terms too.
 */
export async function detectAnomalies(
  repository: SnapshotAnomaliesRepository,
  manager: EntityManager,
  query: AnomalyQuery,
  settings: AnomalySettings,
): Promise<AlertCondition[]> {
  const metrics = settings.metrics.map((key) => findMetric(key)).filter((metric) => metric && !metric.internal);
  if (metrics.length === 0) return [];
  const keys = metrics.map((metric) => metric!.key);
  const denominators = metrics.map((metric) => metric!.ratio?.denominator ?? null);
  const rows = await repository.scores(manager, {
    env: query.environment,
    tenant: query.tenant,
    d0: query.start,
    d1: query.end,
    weeks: settings.weeks,
    keys,
    denominators,
    min_rel_change: settings.minRelativeChange,
    warning_z: settings.warningZ,
  });
  const conditions: AlertCondition[] = [];
  for (const raw of rows) {
    const row = { ...raw, value: Number(raw.value), median: Number(raw.median), sigma: Number(raw.sigma) };
    if (Number(row.n) < settings.minHistory) continue;
    // A rate, average or percentile of a handful of items is mostly chance.
    if (raw.denominator !== null && Number(raw.denominator) < settings.minSample) continue;
    const metric = findMetric(row.key)!;
    const change = row.value - row.median;
    const minChange = settings.minAbsoluteChange[metric.key] ?? settings.minAbsoluteChange[metric.unit] ?? 0;
    if (Math.abs(change) < Math.max(minChange, settings.minRelativeChange * Math.abs(row.median))) continue;
    const sigma = Math.max(row.sigma, noiseFloor(metric.unit, row.median, raw.denominator));
    const z = sigma > 0 ? change / sigma : Math.sign(change) * Infinity;
    if (Math.abs(z) < settings.warningZ) continue;
    const halfWidth = Math.max(settings.warningZ * sigma, minChange);
    const low = round(row.median - halfWidth);
    const high = round(row.median + halfWidth);
    const weekday = WEEKDAYS[new Date(`${row.day}T00:00:00Z`).getUTCDay()];
    conditions.push({
      kind: 'anomaly',
      rule_key: 'anomaly',
      metric: metric.key,
      value: row.value,
      threshold: null,
      expected: round(row.median),
      expected_low: low,
      expected_high: high,
      severity: Math.abs(z) >= settings.criticalZ ? 'critical' : 'warning',
      bucket_type: 'daily',
      bucket_date: row.day,
      tenant: row.tenant_id,
      message:
        `${metric.label} was ${formatNumber(row.value)} on ${weekday} ${row.day}, ${change > 0 ? 'above' : 'below'} ` +
        `the expected ${formatNumber(round(row.median))} (usual range ${formatNumber(low)} to ${formatNumber(high)}, ` +
        `from the ${row.n} previous ${weekday}s; robust z-score ${Number.isFinite(z) ? z.toFixed(1) : '∞'}), ` +
        scopeLabel(row.tenant_id),
    });
  }
  return conditions;
}
