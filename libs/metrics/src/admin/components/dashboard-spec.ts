// What the dashboard shows, as data: catalog keys only. Labels and units come from GET catalog, so a metric
// added to the catalog is shown by adding its key here (or it appears in "Other metrics" without any code).
// The keys are typed against the catalog (a type import, erased when AdminJS bundles this file), and
// catalog/catalog-references.spec.ts checks each one is a public metric.
import type { MetricKey } from '../../catalog/metric-catalog.js';

export type Better = 'up' | 'down';

export interface KpiSpec {
  key: MetricKey;
  better: Better;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** Drawn as bars (stacked when `stacked`). */
  bars?: MetricKey[];
  /** Drawn as lines; `rightAxis` lines use a second scale (latency next to counts, cost next to tokens). */
  lines?: MetricKey[];
  rightAxis?: MetricKey[];
  stacked?: boolean;
  /** Drawn below zero (losses such as churned MRR), stored and exported as positive amounts. */
  negative?: MetricKey[];
  /** Filled by the Stripe billing ledger: null until billing is connected, then an empty state says so. */
  billing?: boolean;
}

/** The headline row: revenue first, what an investor reads (ARR is shown under MRR as a number). */
export const REVENUE_KPIS: KpiSpec[] = [
  { key: 'mrr', better: 'up' },
  { key: 'mrr_net_new', better: 'up' },
  { key: 'nrr', better: 'up' },
  { key: 'grr', better: 'up' },
  { key: 'paying_customers', better: 'up' },
  { key: 'arpa', better: 'up' },
  { key: 'quick_ratio', better: 'up' },
  { key: 'runway_months', better: 'up' },
];

/** The second row: users and engagement, then operations. */
export const USER_KPIS: KpiSpec[] = [
  { key: 'total_customers', better: 'up' },
  { key: 'new_customers', better: 'up' },
  { key: 'dau', better: 'up' },
  { key: 'mau', better: 'up' },
  { key: 'stickiness', better: 'up' },
  { key: 'customer_churn_rate', better: 'down' },
  { key: 'job_success_rate', better: 'up' },
  { key: 'ai_cost_usd', better: 'down' },
];

export const KPIS: KpiSpec[] = [...REVENUE_KPIS, ...USER_KPIS];

export const CHARTS: ChartSpec[] = [
  { id: 'active_users', title: 'Active users', lines: ['dau', 'wau', 'mau'] },
  {
    id: 'customers',
    title: 'User growth',
    bars: ['new_customers', 'reactivated_customers', 'churned_customers'],
    lines: ['total_customers'],
    rightAxis: ['total_customers'],
    negative: ['churned_customers'],
    stacked: true,
  },
  {
    id: 'mrr',
    title: 'MRR and its movements',
    bars: ['mrr_new', 'mrr_expansion', 'mrr_reactivation', 'mrr_contraction', 'mrr_churn'],
    lines: ['mrr'],
    rightAxis: ['mrr_new', 'mrr_expansion', 'mrr_reactivation', 'mrr_contraction', 'mrr_churn'],
    negative: ['mrr_contraction', 'mrr_churn'],
    stacked: true,
    billing: true,
  },
  { id: 'jobs', title: 'Jobs', bars: ['jobs_succeeded', 'jobs_failed'], stacked: true },
  {
    id: 'api',
    title: 'API requests, errors and latency',
    bars: ['api_requests_total', 'api_errors_total'],
    lines: ['api_avg_latency_ms', 'api_p95_latency_ms'],
    rightAxis: ['api_avg_latency_ms', 'api_p95_latency_ms'],
  },
  {
    id: 'ai',
    title: 'AI tokens and cost',
    bars: ['ai_tokens_used'],
    lines: ['ai_cost_usd'],
    rightAxis: ['ai_cost_usd'],
  },
];

/** MRR movements in waterfall order: what adds, then what takes away. */
export const MRR_MOVEMENTS: { key: MetricKey; sign: 1 | -1 }[] = [
  { key: 'mrr_new', sign: 1 },
  { key: 'mrr_expansion', sign: 1 },
  { key: 'mrr_reactivation', sign: 1 },
  { key: 'mrr_contraction', sign: -1 },
  { key: 'mrr_churn', sign: -1 },
];

export const chartMetrics = (chart: ChartSpec): MetricKey[] => [...(chart.bars ?? []), ...(chart.lines ?? [])];

export const COLORS = ['#3040D6', '#0BA5EC', '#7A5AF8', '#F79009', '#667085', '#0E9384'];

/** One colour meaning throughout: gains are green, losses red, whatever the chart. */
export const GAIN = '#12B76A';
export const LOSS = '#D92D20';
export const SEMANTIC_COLORS: Partial<Record<MetricKey, string>> = {
  new_customers: GAIN,
  reactivated_customers: '#6CE9A6',
  churned_customers: LOSS,
  mrr_new: GAIN,
  mrr_expansion: '#6CE9A6',
  mrr_reactivation: '#039855',
  mrr_contraction: '#FDA29B',
  mrr_churn: LOSS,
  jobs_succeeded: GAIN,
  jobs_failed: LOSS,
  api_errors_total: LOSS,
};

/** The colour of a metric in a chart: its gain/loss colour, or the next of the palette. */
export const colorOf = (key: string, index: number) =>
  SEMANTIC_COLORS[key as MetricKey] ?? COLORS[index % COLORS.length];
