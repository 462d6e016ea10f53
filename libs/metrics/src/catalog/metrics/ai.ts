import type { MetricDefinition } from '../catalog.types.js';

/** AI / compute. */
export const AI_METRICS = [
  {
    key: 'ai_tokens_used',
    label: 'AI tokens',
    unit: 'tokens',
    kind: 'flow',
    group: 'ai',
    source: 'ai',
    column: 'bigint',
    daily: { fact: 'ai_tokens' },
    description: 'Input + output tokens used (per-model breakdown in ai_breakdown).',
  },
  {
    key: 'ai_cost_usd',
    label: 'AI cost',
    unit: 'usd',
    kind: 'flow',
    group: 'ai',
    source: 'ai',
    column: 'numeric(20,4)',
    daily: { fact: 'ai_cost_usd' },
    // A day stores its cost rounded to 4 decimals: a range sums the exact costs, then rounds, as a month does.
    bucketFact: 'ai_cost_usd_exact',
    description: 'Cost of AI usage in USD, 4 decimals (per-model breakdown in ai_breakdown).',
  },
] as const satisfies readonly MetricDefinition[];
