// What the dashboard shows, as data: catalog keys only. Labels and units come from GET catalog, so a metric
// added to the catalog is shown by adding its key here (or it appears in "Other metrics" without any code).

export type Better = 'up' | 'down';

export interface KpiSpec {
  key: string;
  better: Better;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** Drawn as bars (stacked when `stacked`). */
  bars?: string[];
  /** Drawn as lines; `rightAxis` lines use a second scale (latency next to counts, cost next to tokens). */
  lines?: string[];
  rightAxis?: string[];
  stacked?: boolean;
  /** Filled by the Stripe billing ledger: null until billing is connected, then an empty state says so. */
  billing?: boolean;
}

export const KPIS: KpiSpec[] = [
  { key: 'mrr', better: 'up' },
  { key: 'arr', better: 'up' },
  { key: 'total_customers', better: 'up' },
  { key: 'stickiness', better: 'up' },
  { key: 'customer_churn_rate', better: 'down' },
  { key: 'runway_months', better: 'up' },
  { key: 'job_success_rate', better: 'up' },
  { key: 'ai_cost_usd', better: 'down' },
];

export const CHARTS: ChartSpec[] = [
  { id: 'active_users', title: 'Active users', lines: ['dau', 'wau', 'mau'] },
  {
    id: 'customers',
    title: 'Customer growth',
    bars: ['new_customers', 'reactivated_customers', 'churned_customers'],
    lines: ['total_customers'],
    rightAxis: ['total_customers'],
  },
  { id: 'mrr', title: 'MRR', lines: ['mrr', 'arr'], billing: true },
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
export const MRR_MOVEMENTS: { key: string; sign: 1 | -1 }[] = [
  { key: 'mrr_new', sign: 1 },
  { key: 'mrr_expansion', sign: 1 },
  { key: 'mrr_reactivation', sign: 1 },
  { key: 'mrr_contraction', sign: -1 },
  { key: 'mrr_churn', sign: -1 },
];

export const chartMetrics = (chart: ChartSpec) => [...(chart.bars ?? []), ...(chart.lines ?? [])];

export const COLORS = ['#3040D6', '#0BA5EC', '#12B76A', '#F79009', '#F04438', '#7A5AF8', '#667085'];
