import type { MetricDefinition } from '../catalog.types.js';
import { percent } from './percent.js';
import { money, rate, revenue } from './revenue-metric.js';

/** The investor metrics of metrics.md ("More investor metrics"), from the same ledger movements as revenue.ts. */
export const INVESTOR_REVENUE_METRICS: MetricDefinition[] = [
  revenue(
    'new_paying_customers',
    'New paying customers',
    'count',
    'flow',
    'integer',
    { fact: 'new_paying_customers' },
    'Customers with a new MRR movement (paying for the first time).',
  ),
  revenue(
    'paying_customers_churned',
    'Paying customers churned',
    'count',
    'flow',
    'integer',
    { fact: 'paying_customers_churned' },
    'Customers with a churn MRR movement (down to 0).',
  ),
  revenue(
    'paying_at_start',
    'Paying customers at start',
    'count',
    'opening',
    'integer',
    { previousDay: 'paying_customers' },
    'Paying customers at the end of the day before the period (the base of the logo churn rate).',
    { internal: true },
  ),
  revenue(
    'paying_retained_lost',
    'Paying customers lost',
    'count',
    'flow',
    'integer',
    { bucketFact: 'paying_retained_lost' },
    'Customers paying at the start of the period who stopped paying during it.',
    { internal: true },
  ),
  revenue(
    'logo_churn_rate',
    'Logo churn rate',
    'percent',
    'ratio',
    rate,
    { derived: true },
    'Paying customers lost among those paying at the start ÷ paying customers at the start × 100.',
    { ratio: { ...percent('paying_retained_lost', 'paying_at_start'), perPeriod: true } },
  ),
  revenue(
    'net_mrr_churn_rate',
    'Net MRR churn rate',
    'percent',
    'ratio',
    rate,
    { derived: true },
    '100 − NRR: negative when expansion outweighs contraction and churn.',
    { ratio: { ...percent('mrr_retained_change', 'mrr_at_start'), change: 'negated', perPeriod: true } },
  ),
  revenue(
    'mrr_growth_rate',
    'MRR growth rate',
    'percent',
    'ratio',
    rate,
    { derived: true },
    '(MRR at the end − MRR at the start) ÷ MRR at the start × 100.',
    { ratio: { ...percent('mrr', 'mrr_at_start'), change: 'growth' } },
  ),
  revenue(
    'average_sale_price',
    'Average sale price',
    'currency',
    'ratio',
    money,
    { derived: true },
    'New MRR ÷ new paying customers.',
    { ratio: { numerator: 'mrr_new', denominator: 'new_paying_customers', scale: 1, decimals: 2 } },
  ),
  revenue(
    'ltv',
    'Customer lifetime value',
    'currency',
    'ratio',
    money,
    { derived: true },
    'ARPA at the end ÷ (monthly logo churn rate ÷ 100); null while nobody churned, and for days and weeks.',
    { ratio: { numerator: 'arpa', denominator: 'logo_churn_rate', scale: 1, decimals: 2, special: 'ltv' } },
  ),
];

/**
 * LTV from ARPA and a monthly logo churn rate (the rule above). A range longer than a month has no monthly rate of
 * its own components: its LTV uses the range's average monthly logo churn rate (metrics.md, "Rates per period").
 */
export function ltvFromMonthlyChurn(arpa: number | null, monthlyLogoChurnRate: number | null): number | null {
  if (arpa === null || monthlyLogoChurnRate === null || monthlyLogoChurnRate === 0) return null;
  return Math.round((arpa / (monthlyLogoChurnRate / 100)) * 100) / 100;
}
