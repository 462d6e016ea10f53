// The configuration form as data (issue 15): every field of GET config once, with its group, label, unit and help.
// The form, its pickers and its editors are laid out from this list; the API (ConfigPatchDto) stays the judge of
// what is valid and names a refused field, which the form shows under that field.
import { CONVENTIONS_INTRO, DISCOUNTS, PAST_DUE, QUICK } from './revenue-conventions-text';

export type FieldKind =
  | 'number' // a number the configuration always has
  | 'optional-number' // a number that may be cleared (null)
  | 'date'
  | 'timezone'
  | 'currency'
  | 'list' // comma-separated words
  | 'boolean'
  | 'choice' // one of `choices`
  | 'prices' // model → { input_per_1m, output_per_1m }
  | 'rates' // currency → rate
  | 'read-only';

export interface ConfigField {
  key: string;
  label: string;
  kind: FieldKind;
  unit?: string;
  help?: string;
  choices?: { value: string; label: string }[];
  /** A choice whose values are whole numbers ('' for none), sent as a number or null. */
  numeric?: boolean;
}

export interface ConfigGroup {
  id: string;
  title: string;
  intro?: string;
  fields: ConfigField[];
}

export const CONFIG_GROUPS: ConfigGroup[] = [
  {
    id: 'alerts',
    title: 'Alert thresholds',
    intro: 'An alert opens when a day reaches a threshold; at twice the threshold it is critical.',
    fields: [
      {
        key: 'churn_spike_threshold_pct',
        label: 'Customer churn',
        kind: 'number',
        unit: '%',
        help: 'Users lost in a day ÷ users at its start.',
      },
      {
        key: 'payment_failure_threshold',
        label: 'Failed payments',
        kind: 'number',
        unit: 'per day',
        help: 'Stripe invoice payment failures in one day.',
      },
      {
        key: 'error_rate_threshold_pct',
        label: 'API error rate',
        kind: 'number',
        unit: '%',
        help: '5xx answers ÷ API requests in a day.',
      },
      {
        key: 'job_failure_rate_threshold_pct',
        label: 'Job failure rate',
        kind: 'number',
        unit: '%',
        help: 'Failed jobs ÷ finished jobs in a day.',
      },
    ],
  },
  {
    id: 'financial',
    title: 'Financial inputs',
    intro: 'Runway = cash balance ÷ monthly burn; without a cash balance the manual runway is shown.',
    fields: [
      {
        key: 'monthly_burn_rate',
        label: 'Monthly burn',
        kind: 'optional-number',
        unit: 'reporting currency',
        help: 'Net cash spent per month. Empty: unknown.',
      },
      {
        key: 'cash_balance',
        label: 'Cash balance',
        kind: 'optional-number',
        unit: 'reporting currency',
        help: 'Cash in the bank on the date below.',
      },
      {
        key: 'cash_balance_as_of',
        label: 'Cash balance date',
        kind: 'date',
        help: 'The day the cash balance was true.',
      },
      {
        key: 'manual_runway_months',
        label: 'Manual runway',
        kind: 'optional-number',
        unit: 'months',
        help: 'Used only while no cash balance is given.',
      },
      {
        key: 'runway_months',
        label: 'Runway now',
        kind: 'read-only',
        unit: 'months',
        help: 'Computed from the fields above.',
      },
      {
        key: 'outstanding_invoices_count',
        label: 'Open invoices',
        kind: 'optional-number',
        unit: 'invoices',
        help: 'Reported while Stripe is not connected.',
      },
      {
        key: 'outstanding_invoices_value',
        label: 'Open invoice amount',
        kind: 'optional-number',
        unit: 'reporting currency',
        help: 'Reported while Stripe is not connected.',
      },
    ],
  },
  {
    id: 'conventions',
    title: 'Revenue conventions',
    intro: CONVENTIONS_INTRO,
    fields: [
      { key: 'mrr_discounts', label: 'Which discounts reduce MRR', kind: 'choice', choices: DISCOUNTS },
      {
        key: 'past_due_churn_after_days',
        label: 'When a past-due subscription churns',
        kind: 'choice',
        numeric: true,
        choices: PAST_DUE,
      },
      { key: 'quick_ratio_includes_reactivation', label: 'Quick ratio', kind: 'choice', choices: QUICK },
    ],
  },
  {
    id: 'sources',
    title: 'Sources',
    intro: 'A source switched off leaves its metrics empty (null) instead of showing zeros.',
    fields: [
      { key: 'ai_tracking_enabled', label: 'AI usage and cost', kind: 'boolean' },
      { key: 'api_tracking_enabled', label: 'API requests, errors and latency', kind: 'boolean' },
      { key: 'jobs_tracking_enabled', label: 'Background jobs', kind: 'boolean' },
    ],
  },
  {
    id: 'activation',
    title: 'Activation actions',
    fields: [
      {
        key: 'activation_actions',
        label: 'Key actions',
        kind: 'list',
        help: 'Comma-separated lower-case keys (file_upload, invite_sent): a user who does one is activated.',
      },
    ],
  },
  {
    id: 'ai-prices',
    title: 'AI prices',
    intro: 'What each model costs, to turn recorded tokens into AI cost. Saving replaces the whole table.',
    fields: [{ key: 'ai_prices', label: 'Prices per model', kind: 'prices', unit: 'USD per million tokens' }],
  },
  {
    id: 'currency',
    title: 'Reporting currency and timezone',
    intro:
      'Days are cut at midnight in the reporting timezone. Revenue in another currency is converted at its rate; ' +
      'a new rate applies to all history when it is next recomputed.',
    fields: [
      { key: 'timezone', label: 'Reporting timezone', kind: 'timezone', help: 'IANA name, e.g. Europe/Paris.' },
      { key: 'currency', label: 'Reporting currency', kind: 'currency', help: 'ISO 4217 code.' },
      {
        key: 'currency_rates',
        label: 'Currency rates',
        kind: 'rates',
        help: 'One unit of the currency in the reporting currency, e.g. EUR → 1.08.',
      },
    ],
  },
  {
    id: 'record',
    title: 'Last change',
    fields: [
      { key: 'updated_by', label: 'Changed by', kind: 'read-only' },
      { key: 'updated_at', label: 'Changed at', kind: 'read-only' },
    ],
  },
];

export const SCHEMA_KEYS = new Set(CONFIG_GROUPS.flatMap((group) => group.fields.map((field) => field.key)));
