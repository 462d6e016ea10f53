import type { MetricDefinition } from '../catalog.types.js';

/** Financial (inputs from the configuration). */
export const FINANCIAL_METRICS: MetricDefinition[] = [
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
];

/** Configuration fields that stand in for a billing metric (see BILLING_CONFIG_FALLBACKS). */
export type BillingFallbackField = 'outstanding_invoices_count' | 'outstanding_invoices_value';

/**
 * Billing metrics an admin may enter in the configuration for a company whose billing is not connected
 * (metrics.md: "outstanding invoices come from billing when connected, else from config"). While the billing
 * source is off, the compute stores the configured value as the metric's daily value (a stock, like the cash
 * balance); once billing is connected, billing fills the metric and the configured value is ignored.
 * Keyed by catalog key; the metrics themselves stay defined in revenue.ts.
 */
export const BILLING_CONFIG_FALLBACKS: Readonly<Record<string, BillingFallbackField>> = {
  outstanding_invoices_count: 'outstanding_invoices_count',
  outstanding_invoices_value: 'outstanding_invoices_value',
};

export function billingConfigFallback(metric: MetricDefinition): BillingFallbackField | undefined {
  return metric.source === 'billing' && Object.hasOwn(BILLING_CONFIG_FALLBACKS, metric.key)
    ? BILLING_CONFIG_FALLBACKS[metric.key]
    : undefined;
}
