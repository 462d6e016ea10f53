import type { MetricDefinition } from '../catalog.types.js';
import { percent } from './percent.js';

/** The investor metrics of metrics.md ("More investor metrics"), from the same ledger movements as revenue.ts. */
export const INVESTOR_REVENUE_METRICS = [
  {
    key: 'new_paying_customers',
    label: 'New paying customers',
    unit: 'count',
    kind: 'flow',
    group: 'revenue',
    source: 'billing',
    column: 'integer',
    daily: { fact: 'new_paying_customers' },
    description: 'Customers with a new MRR movement (paying for the first time).',
  },
  {
    key: 'paying_customers_churned',
    label: 'Paying customers churned',
    unit: 'count',
    kind: 'flow',
    group: 'revenue',
    source: 'billing',
    column: 'integer',
    daily: { fact: 'paying_customers_churned' },
    description: 'Customers with a churn MRR movement (down to 0).',
  },
  {
    key: 'paying_at_start',
    label: 'Paying customers at start',
    unit: 'count',
    kind: 'opening',
    group: 'revenue',
    source: 'billing',
    column: 'integer',
    daily: { previousDay: 'paying_customers' },
    internal: true,
    description: 'Paying customers at the end of the day before the period (the base of the logo churn rate).',
  },
  {
    key: 'paying_retained_lost',
    label: 'Paying customers lost',
    unit: 'count',
    kind: 'flow',
    group: 'revenue',
    source: 'billing',
    column: 'integer',
    daily: { bucketFact: 'paying_retained_lost' },
    internal: true,
    description: 'Customers paying at the start of the period who stopped paying during it.',
  },
  {
    key: 'logo_churn_rate',
    label: 'Logo churn rate',
    unit: 'percent',
    kind: 'ratio',
    group: 'revenue',
    source: 'billing',
    column: 'numeric(12,2)',
    daily: { derived: true },
    ratio: { ...percent('paying_retained_lost', 'paying_at_start'), perPeriod: true },
    description: 'Paying customers lost among those paying at the start ÷ paying customers at the start × 100.',
  },
  {
    key: 'net_mrr_churn_rate',
    label: 'Net MRR churn rate',
    unit: 'percent',
    kind: 'ratio',
    group: 'revenue',
    source: 'billing',
    column: 'numeric(12,2)',
    daily: { derived: true },
    ratio: { ...percent('mrr_retained_change', 'mrr_at_start'), change: 'negated', perPeriod: true },
    description: '100 − NRR: negative when expansion outweighs contraction and churn.',
  },
  {
    key: 'mrr_growth_rate',
    label: 'MRR growth rate',
    unit: 'percent',
    kind: 'ratio',
    group: 'revenue',
    source: 'billing',
    column: 'numeric(12,2)',
    daily: { derived: true },
    ratio: { ...percent('mrr', 'mrr_at_start'), change: 'growth' },
    description: '(MRR at the end − MRR at the start) ÷ MRR at the start × 100.',
  },
  {
    key: 'average_sale_price',
    label: 'Average sale price',
    unit: 'currency',
    kind: 'ratio',
    group: 'revenue',
    source: 'billing',
    column: 'numeric(20,2)',
    daily: { derived: true },
    ratio: { numerator: 'mrr_new', denominator: 'new_paying_customers', scale: 1, decimals: 2 },
    description: 'New MRR ÷ new paying customers.',
  },
  {
    key: 'ltv',
    label: 'Customer lifetime value',
    unit: 'currency',
    kind: 'ratio',
    group: 'revenue',
    source: 'billing',
    column: 'numeric(20,2)',
    daily: { derived: true },
    ratio: { numerator: 'arpa', denominator: 'logo_churn_rate', scale: 1, decimals: 2, special: 'ltv' },
    description:
      'ARPA at the end ÷ (monthly logo churn rate ÷ 100); null while nobody churned, and for days and weeks.',
  },
] as const satisfies readonly MetricDefinition[];

/**
 * LTV from ARPA and a monthly logo churn rate (the rule above). A range longer than a month has no monthly rate of
 * its own components: its LTV uses the range's average monthly logo churn rate (metrics.md, "Rates per period").
 */
export function ltvFromMonthlyChurn(arpa: number | null, monthlyLogoChurnRate: number | null): number | null {
  if (arpa === null || monthlyLogoChurnRate === null || monthlyLogoChurnRate === 0) return null;
  return Math.round((arpa / (monthlyLogoChurnRate / 100)) * 100) / 100;
}
