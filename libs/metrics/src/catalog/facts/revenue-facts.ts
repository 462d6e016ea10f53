import type { FactDefinition } from './fact.types.js';

/** Movements are counted only from the work range's first day; before it they only fold into the stocks' eve. */
const IN_RANGE = `day >= :w0::date`;

/** The per-day facts of the billing ledger (metrics.md, "Revenue"); see fact.types.ts. */
export const REVENUE_FACTS = [
  // Billing: each customer's MRR movement per day (compute/sql/billing-facts.ts), classified as ChartMogul does.
  {
    name: 'mrr_delta',
    source: 'billing',
    sqlType: 'numeric',
    query: 'billing_movements',
    sql: `sum(mrr_after - mrr_before)`,
  },
  {
    name: 'arr_delta',
    source: 'billing',
    sqlType: 'numeric',
    query: 'billing_movements',
    sql: `sum(mrr_after - mrr_before) * 12`,
  },
  {
    name: 'paying_delta',
    source: 'billing',
    sqlType: 'bigint',
    query: 'billing_movements',
    sql: `sum((mrr_after > 0)::int - (mrr_before > 0)::int)`,
  },
  {
    name: 'mrr_new',
    source: 'billing',
    sqlType: 'numeric',
    query: 'billing_movements',
    sql: `sum(mrr_after) FILTER (WHERE ${IN_RANGE} AND mrr_before <= 0 AND NOT had_mrr)`,
  },
  {
    name: 'mrr_reactivation',
    source: 'billing',
    sqlType: 'numeric',
    query: 'billing_movements',
    sql: `sum(mrr_after) FILTER (WHERE ${IN_RANGE} AND mrr_before <= 0 AND had_mrr)`,
  },
  {
    name: 'mrr_expansion',
    source: 'billing',
    sqlType: 'numeric',
    query: 'billing_movements',
    sql: `sum(mrr_after - mrr_before) FILTER (WHERE ${IN_RANGE} AND mrr_before > 0 AND mrr_after > mrr_before)`,
  },
  {
    name: 'mrr_contraction',
    source: 'billing',
    sqlType: 'numeric',
    query: 'billing_movements',
    sql: `sum(mrr_before - mrr_after) FILTER (WHERE ${IN_RANGE} AND mrr_after > 0 AND mrr_after < mrr_before)`,
  },
  {
    name: 'mrr_churn',
    source: 'billing',
    sqlType: 'numeric',
    query: 'billing_movements',
    sql: `sum(mrr_before) FILTER (WHERE ${IN_RANGE} AND mrr_before > 0 AND mrr_after <= 0)`,
  },
  {
    // The sum of the classified movements, not of the changes: a change no movement explains (a customer's MRR
    // below 0 from a broken ledger row) makes MRR at start + net new differ from MRR at the end, and the
    // reconciliation reports it.
    name: 'mrr_net_new',
    source: 'billing',
    sqlType: 'numeric',
    query: 'billing_movements',
    sql: `sum(CASE WHEN mrr_after > 0 THEN mrr_after - greatest(mrr_before, 0)
                   WHEN mrr_before > 0 THEN -mrr_before ELSE 0 END) FILTER (WHERE ${IN_RANGE})`,
  },
  {
    // The quick ratio's gains; reactivation only when the configuration counts it (:quick_reactivation).
    name: 'mrr_gained',
    source: 'billing',
    sqlType: 'numeric',
    query: 'billing_movements',
    sql: `sum(greatest(mrr_after - mrr_before, 0))
            FILTER (WHERE ${IN_RANGE} AND (:quick_reactivation::boolean OR NOT (mrr_before <= 0 AND had_mrr)))`,
  },
  {
    name: 'mrr_lost',
    source: 'billing',
    sqlType: 'numeric',
    query: 'billing_movements',
    sql: `sum(greatest(mrr_before - mrr_after, 0)) FILTER (WHERE ${IN_RANGE})`,
  },
  {
    name: 'new_paying_customers',
    source: 'billing',
    sqlType: 'bigint',
    query: 'billing_movements',
    sql: `count(*) FILTER (WHERE ${IN_RANGE} AND mrr_before <= 0 AND mrr_after > 0 AND NOT had_mrr)`,
  },
  {
    name: 'paying_customers_churned',
    source: 'billing',
    sqlType: 'bigint',
    query: 'billing_movements',
    sql: `count(*) FILTER (WHERE ${IN_RANGE} AND mrr_before > 0 AND mrr_after <= 0)`,
  },
  {
    name: 'subscriptions_active_delta',
    source: 'billing',
    sqlType: 'bigint',
    query: 'billing_subscriptions',
    sql: `sum((status = 'active')::int - coalesce((previous_status = 'active')::int, 0))`,
  },
  {
    name: 'subscriptions_past_due_delta',
    source: 'billing',
    sqlType: 'bigint',
    query: 'billing_subscriptions',
    sql: `sum((status = 'past_due')::int - coalesce((previous_status = 'past_due')::int, 0))`,
  },
  {
    name: 'subscriptions_canceled',
    source: 'billing',
    sqlType: 'bigint',
    query: 'billing_subscriptions',
    sql: `count(*) FILTER (WHERE status = 'canceled' AND in_work_range)`,
  },
  { name: 'failed_payments', source: 'billing', sqlType: 'bigint', query: 'billing_failed_payments', sql: `count(*)` },
  {
    name: 'open_invoices_delta',
    source: 'billing',
    sqlType: 'bigint',
    query: 'billing_open_invoices',
    sql: `sum(is_open - coalesce(lag_open, 0))`,
  },
  {
    name: 'open_invoices_value_delta',
    source: 'billing',
    sqlType: 'numeric',
    query: 'billing_open_invoices',
    sql: `sum(open_value - coalesce(lag_value, 0))`,
  },
] as const satisfies readonly FactDefinition[];
