import type { MetricDefinition } from '../catalog.types.js';
import { percent } from './percent.js';

/** Distinct users with one key action during the period (every configured action is in activation_breakdown). */
function keyActionUsers<K extends string>(key: K, label: string, action: string) {
  return {
    key,
    label,
    unit: 'count',
    kind: 'distinct',
    group: 'activation',
    source: 'activation',
    column: 'integer',
    daily: { bucketFact: `action:${action}` },
    rollup: { weekly: 'bucket_distinct', monthly: 'bucket_distinct', range: 'bucket_distinct' },
    description: `Distinct users with a ${action} key action during the period.`,
  } as const satisfies MetricDefinition;
}

/** Activation. */
export const ACTIVATION_METRICS = [
  {
    key: 'activated_users',
    label: 'Activated users',
    unit: 'count',
    kind: 'flow',
    group: 'activation',
    source: 'activation',
    column: 'integer',
    daily: { fact: 'first_key_actions' },
    description: 'Users whose first key action ever happened during the period.',
  },
  keyActionUsers('users_uploaded_file', 'Users who uploaded a file', 'file_upload'),
  keyActionUsers('users_created_worklog', 'Users who created a worklog', 'worklog_create'),
  keyActionUsers('users_generated_report', 'Users who generated a report', 'report_generate'),
  {
    key: 'signups_activated_7d',
    label: 'Signups activated within 7 days',
    unit: 'count',
    kind: 'flow',
    group: 'activation',
    source: 'activation',
    column: 'integer',
    daily: { fact: 'signups_activated_7d' },
    internal: true,
    description: 'Of the users who signed up in the period, those with a key action within 7 days of signing up.',
  },
  {
    key: 'activation_rate',
    label: 'Activation rate',
    unit: 'percent',
    kind: 'ratio',
    group: 'activation',
    source: 'activation',
    column: 'numeric(12,2)',
    daily: { derived: true },
    ratio: percent('signups_activated_7d', 'new_customers', 7),
    description:
      'Of the users who signed up in the period, the share with a key action within 7 days of signup × 100 (null until 7 days after the period).',
  },
  {
    key: 'trial_started',
    label: 'Trials started',
    unit: 'count',
    kind: 'flow',
    group: 'activation',
    source: 'lifecycle',
    column: 'integer',
    daily: { fact: 'trials_started' },
    description: 'Trial start events during the period.',
  },
  {
    key: 'trial_converted',
    label: 'Trials converted',
    unit: 'count',
    kind: 'flow',
    group: 'activation',
    source: 'lifecycle',
    column: 'integer',
    daily: { fact: 'trials_converted' },
    description: 'Trial conversion events during the period.',
  },
  {
    key: 'trial_conversion_rate',
    label: 'Trial conversion rate',
    unit: 'percent',
    kind: 'ratio',
    group: 'activation',
    source: 'lifecycle',
    column: 'numeric(12,2)',
    daily: { derived: true },
    ratio: percent('trial_converted', 'trial_started'),
    description: 'Trials converted ÷ trials started during the period × 100.',
  },
] as const satisfies readonly MetricDefinition[];
