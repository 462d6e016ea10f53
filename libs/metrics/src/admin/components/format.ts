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

/** Change in percent against the previous period; null when there is nothing to compare with. */
export function percentChange(current: number | null | undefined, previous: number | null | undefined): number | null {
  if (current === null || current === undefined || previous === null || previous === undefined) return null;
  if (previous === 0) return current === 0 ? 0 : null;
  return Math.round(((current - previous) / Math.abs(previous)) * 1000) / 10;
}
