// Numbers as a reader expects them, by the catalog's unit.

export interface CatalogMetric {
  key: string;
  label: string;
  unit: string;
  kind: string;
  group: string;
  description: string;
}

const compact = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function formatValue(value: number | null | undefined, unit: string | undefined, currency = 'USD'): string {
  if (value === null || value === undefined) return '—';
  switch (unit) {
    case 'percent':
      return `${compact.format(value)}%`;
    case 'currency':
      return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 }).format(value);
    case 'usd':
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 }).format(
        value,
      );
    case 'milliseconds':
      return `${compact.format(value)} ms`;
    case 'seconds':
      return `${compact.format(value)} s`;
    case 'months':
      return `${compact.format(value)} mo`;
    default:
      return compact.format(value);
  }
}

/** Axis ticks: short, with the unit ($12k, 1.2M, 26%, 340 ms). */
export function formatTick(value: number, unit: string | undefined, currency = 'USD'): string {
  // Small values keep two decimals, so ticks such as $0.05 and $0.10 stay apart.
  const digits = Math.abs(value) < 10 ? 2 : 1;
  const short = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: digits }).format(value);
  switch (unit) {
    case 'percent':
      return `${short}%`;
    case 'currency':
    case 'usd':
      return new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency: unit === 'usd' ? 'USD' : currency,
        notation: 'compact',
        minimumFractionDigits: 0,
        maximumFractionDigits: digits,
      }).format(value);
    case 'milliseconds':
      return `${short} ms`;
    case 'seconds':
      return `${short} s`;
    default:
      return short;
  }
}

/** The days of a period and how many of them have snapshots (summary.range). */
export interface Coverage {
  days: number;
  days_with_data: number;
}

/** A comparison needs snapshots for at least 90% of the previous period's days (metrics.md). */
export function hasHistory(previous: Coverage | undefined): boolean {
  return previous !== undefined && previous.days > 0 && previous.days_with_data >= 0.9 * previous.days;
}

/** A KPI's change: percentages in percentage points, counts and money in relative %; none without history. */
export interface KpiChange {
  value: number | null;
  unit: 'pt' | '%';
  reason?: 'no-history';
}

export function kpiChange(
  current: number | null | undefined,
  previous: number | null | undefined,
  unit: string | undefined,
  previousCoverage: Coverage | undefined,
): KpiChange {
  const points = unit === 'percent';
  if (!hasHistory(previousCoverage)) return { value: null, unit: points ? 'pt' : '%', reason: 'no-history' };
  if (!points) return { value: percentChange(current, previous), unit: '%' };
  if (current === null || current === undefined || previous === null || previous === undefined) {
    return { value: null, unit: 'pt' };
  }
  return { value: Math.round((current - previous) * 10) / 10, unit: 'pt' };
}

/** Change in percent against the previous period; null when there is nothing to compare with. */
export function percentChange(current: number | null | undefined, previous: number | null | undefined): number | null {
  if (current === null || current === undefined || previous === null || previous === undefined) return null;
  if (previous === 0) return current === 0 ? 0 : null;
  return Math.round(((current - previous) / Math.abs(previous)) * 1000) / 10;
}
