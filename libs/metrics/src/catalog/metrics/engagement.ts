import type { MetricDefinition } from '../catalog.types.js';
import { percent } from './percent.js';

/** Engagement. */
export const ENGAGEMENT_METRICS = [
  {
    key: 'dau',
    label: 'Daily active users',
    unit: 'count',
    kind: 'distinct',
    group: 'engagement',
    source: 'activity',
    column: 'numeric(12,2)',
    daily: { fact: 'active_users' },
    rollup: { weekly: 'average', monthly: 'average', range: 'average' },
    description:
      'Distinct users with a login or activity during the day. Weekly and monthly: the average over the days computed so far.',
  },
  {
    key: 'wau',
    label: 'Weekly active users',
    unit: 'count',
    kind: 'distinct',
    group: 'engagement',
    source: 'activity',
    column: 'integer',
    daily: { cumulative: 'wau_delta' },
    bucketFact: 'active_users',
    rollup: { weekly: 'bucket_distinct', monthly: 'last', range: 'last' },
    description:
      'Distinct active users in the 7 days ending on the day. Weekly bucket: distinct users in the ISO week.',
  },
  {
    key: 'mau',
    label: 'Monthly active users',
    unit: 'count',
    kind: 'distinct',
    group: 'engagement',
    source: 'activity',
    column: 'integer',
    daily: { cumulative: 'mau_delta' },
    bucketFact: 'active_users',
    rollup: { weekly: 'last', monthly: 'bucket_distinct', range: 'last' },
    description: 'Distinct active users in the 30 days ending on the day. Monthly bucket: distinct users in the month.',
  },
  {
    key: 'stickiness',
    label: 'Stickiness (DAU/MAU)',
    unit: 'percent',
    kind: 'ratio',
    group: 'engagement',
    source: 'activity',
    column: 'numeric(12,2)',
    daily: { derived: true },
    // A month's DAU average over its MAU of distinct users is not what anyone reads as stickiness: the mean of
    // the daily ratios is, and it is the same rule for a bucket and a range (metrics.md).
    ratio: { ...percent('dau', 'mau'), special: 'mean_of_daily' },
    description: 'DAU ÷ MAU × 100 for a day; a week, a month or a range: the mean of its daily values.',
  },
] as const satisfies readonly MetricDefinition[];
