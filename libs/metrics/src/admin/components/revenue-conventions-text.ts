// The revenue conventions' choices explained (metrics.md, "Conventions the configuration chooses"): shown by the
// Revenue page's conventions card and by the configuration form.

/** What each choice means, in the words a CFO compares vendors with (metrics.md, "Conventions"). */
export const DISCOUNTS = [
  { value: 'recurring', label: 'Recurring (default): forever and repeating discounts; a once coupon does not count' },
  { value: 'all', label: 'All: every discount while it lasts, a once coupon for one billing period (ChartMogul)' },
  { value: 'forever_only', label: 'Forever only: only forever coupons reduce MRR (Stripe Billing)' },
  { value: 'none', label: 'None: MRR before any discount' },
];
export const PAST_DUE = [
  { value: '', label: 'Never: past due counts until the subscription is canceled (ChartMogul)' },
  { value: '30', label: 'After 30 days past due: churn then, a reactivation if paid later (Baremetrics)' },
  { value: '45', label: 'After 45 days past due' },
  { value: '60', label: 'After 60 days past due' },
];
export const QUICK = [
  { value: 'true', label: 'Includes reactivation: (new + expansion + reactivation) ÷ losses (ChartMogul)' },
  { value: 'false', label: 'Leaves reactivation out: (new + expansion) ÷ losses (Baremetrics)' },
];

/** Why the choice matters, said once above the three conventions. */
export const CONVENTIONS_INTRO =
  'Finance tools count revenue differently. Choose the conventions your finance team expects (the Revenue page ' +
  'compares what each would say about your data). Changing one rebuilds the revenue ledger from the stored ' +
  'subscriptions (no Stripe call) and recomputes the history as a run.';
