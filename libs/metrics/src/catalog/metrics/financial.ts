import type { MetricDefinition } from '../catalog.types.js';

/** Financial (inputs from the configuration). */
export const FINANCIAL_METRICS = [
  {
    key: 'cash_burn_monthly',
    label: 'Monthly burn',
    unit: 'currency',
    kind: 'stock',
    group: 'financial',
    source: 'config',
    column: 'numeric(20,2)',
    daily: { config: 'monthly_burn_rate' },
    description: 'Monthly cash burn, from the configuration.',
  },
  {
    key: 'cash_balance',
    label: 'Cash balance',
    unit: 'currency',
    kind: 'stock',
    group: 'financial',
    source: 'config',
    column: 'numeric(20,2)',
    daily: { config: 'cash_balance' },
    description: 'Cash balance, from the configuration.',
  },
  {
    key: 'runway_months',
    label: 'Runway',
    unit: 'months',
    kind: 'stock',
    group: 'financial',
    source: 'config',
    column: 'numeric(12,2)',
    daily: { config: 'runway_months' },
    description:
      'Cash balance ÷ monthly burn (one decimal; null when burn ≤ 0), or the manual runway when no cash balance is set.',
  },
] as const satisfies readonly MetricDefinition[];
