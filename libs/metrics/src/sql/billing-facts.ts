/**
 * Revenue facts from the billing ledger (metrics.md, "Revenue"; ChartMogul conventions).
 *
 * Each subscription's ledger rows give its MRR from each row's time on; the change of each row against the
 * subscription's previous row, summed per customer and local day, gives the customer's MRR at the end of
 * every day it changed. Comparing it with the end of the previous such day classifies the movement (new,
 * reactivation, expansion, contraction, churn), and running totals of the changes give the stocks.
 *
 * Amounts are converted to the reporting currency with the configured rates (:currency, :rates); an amount in
 * a currency without a rate counts as nothing here and is reported by the summary (`unconverted`).
 * Parameters: those of source-facts.ts plus :currency and :rates (jsonb text).
 */
import { LOCAL_DAY, WORK_END, WORK_START, tenantFilterOf } from './sql-fragments.js';

const TO_REPORTING = (amount: string, currency: string) =>
  `${amount} * CASE WHEN ${currency} = upper(:currency::text) THEN 1 ELSE (:rates::jsonb ->> ${currency})::numeric END`;

const CUSTOMER_TENANT_FILTER = tenantFilterOf('c');

/**
 * Which ledger rows the billing CTEs read: the whole `history` (every fact of the work range), or only the
 * `moving` customers' — those with a ledger row in the work range, with every row of their subscriptions. A
 * movement on a day needs a row of its customer that day, and a customer's levels, paying streak and each
 * subscription's previous row only need that customer's and subscription's own rows: so the movements of the work
 * range are the same either way, while a range's bucket facts no longer sort the whole ledger.
 *
 * Every row of a subscription names the same customer (a Stripe subscription never changes customer, and its rows
 * are rewritten together; manual entries are the pseudo-subscription `manual:<customer>`), so the moving customers'
 * rows are their subscriptions' rows: read through the customer index, where finding their subscriptions first
 * scanned the whole ledger (13 of a cold summary's ~60 ms at scale 1).
 *
 * `stored`: the movements of [:w0, :w1] read from `metrics_billing_movement`, which the compute keeps equal to the
 * whole history's (billing-movements.sql.ts); only a reader that has checked they hold may ask for them. `stale`: the
 * whole history of the customers whose stored movements are stale (the compute's rebuild of those customers).
 */
export type LedgerRows = 'history' | 'moving' | 'stored' | 'stale';

/** The customers whose every ledger row the `moving` and `stale` CTEs read. */
const CUSTOMERS_READ: Record<'moving' | 'stale', string> = {
  moving: `l.customer_id IN (
        SELECT customer_id FROM metrics_revenue_ledger
        WHERE effective_at >= ${WORK_START} AND effective_at < ${WORK_END})`,
  stale: `l.customer_id IN (SELECT customer_id FROM metrics_billing_movement_stale)`,
};

/** The columns of `billing_movements`, in the stored table's order. */
export const MOVEMENT_COLUMNS = 'tenant_id, customer_id, day, mrr_before, mrr_after, had_mrr, paying_since';

export function billingCtes(ledger: LedgerRows = 'history'): string[] {
  // Only the days with a change are stored: every row a bucket fact counts (billingBucketFacts).
  if (ledger === 'stored') {
    return [
      `billing_movements AS (
      SELECT ${MOVEMENT_COLUMNS} FROM metrics_billing_movement
      WHERE day BETWEEN :w0::date AND :w1::date AND (:tenant::varchar IS NULL OR tenant_id = :tenant))`,
    ];
  }
  return [
    `billing_ledger AS (
      SELECT l.subscription_id, l.customer_id, c.tenant_id, l.effective_at, l.seq, l.status,
             ${TO_REPORTING('l.mrr', 'l.currency')} AS mrr
      FROM metrics_revenue_ledger l JOIN metrics_billing_customer c ON c.id = l.customer_id
      WHERE l.effective_at < ${WORK_END} AND ${CUSTOMER_TENANT_FILTER}${
        ledger === 'history'
          ? ''
          : `
        AND ${CUSTOMERS_READ[ledger]}`
      })`,
    `billing_customer_days AS (
      SELECT customer_id, tenant_id, ${LOCAL_DAY('effective_at')} AS day, sum(delta) AS delta FROM (
        SELECT customer_id, tenant_id, effective_at,
               coalesce(mrr, 0) - coalesce(lag(mrr) OVER (PARTITION BY subscription_id ORDER BY effective_at, seq), 0) AS delta
        FROM billing_ledger) AS changes
      GROUP BY 1, 2, 3)`,
    // paying_since: the first day of the customer's current paying streak (NRR counts customers paying at a bucket's start).
    `billing_movements AS (
      SELECT customer_id, tenant_id, day, mrr_before, mrr_after,
             coalesce(bool_or(mrr_after > 0) OVER earlier, false) AS had_mrr,
             max(CASE WHEN mrr_before <= 0 AND mrr_after > 0 THEN day END)
               OVER (PARTITION BY customer_id ORDER BY day) AS paying_since
      FROM (
        SELECT customer_id, tenant_id, day,
               sum(delta) OVER running - delta AS mrr_before, sum(delta) OVER running AS mrr_after
        FROM billing_customer_days WINDOW running AS (PARTITION BY customer_id ORDER BY day)) AS levels
      WINDOW earlier AS (PARTITION BY customer_id ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))`,
  ];
}

/**
 * The rows of the billing fact queries (the facts' aggregates are in the registry, catalog/facts/revenue-facts.ts):
 * they read the whole history, which source-facts.ts folds into the eve of the work range.
 */
export const BILLING_FACT_QUERIES = {
  billing_movements: {
    day: 'day',
    from: `billing_movements WHERE mrr_after <> mrr_before`,
  },
  billing_subscriptions: {
    day: LOCAL_DAY('effective_at'),
    from: `(
          SELECT tenant_id, subscription_id, effective_at, status, effective_at >= ${WORK_START} AS in_work_range,
                 lag(status) OVER (PARTITION BY subscription_id ORDER BY effective_at, seq) AS previous_status
          FROM billing_ledger) AS transitions
        -- Manual entries are revenue without a Stripe subscription behind them.
        WHERE subscription_id NOT LIKE 'manual:%' AND status IS DISTINCT FROM previous_status`,
  },
  billing_failed_payments: {
    tenant: 'c.tenant_id',
    day: LOCAL_DAY('e.created_at'),
    from: `metrics_stripe_event e LEFT JOIN metrics_billing_customer c ON c.id = e.customer_id
        WHERE e.type = 'invoice.payment_failed' AND e.created_at >= ${WORK_START} AND e.created_at < ${WORK_END}
          AND ${CUSTOMER_TENANT_FILTER}`,
  },
  billing_open_invoices: {
    day: LOCAL_DAY('valid_from'),
    from: `(
          SELECT c.tenant_id, i.valid_from, (i.status = 'open')::int AS is_open,
                 CASE WHEN i.status = 'open' THEN ${TO_REPORTING('i.amount_remaining', 'i.currency')} ELSE 0 END AS open_value,
                 lag((i.status = 'open')::int) OVER invoice AS lag_open,
                 lag(CASE WHEN i.status = 'open' THEN ${TO_REPORTING('i.amount_remaining', 'i.currency')} ELSE 0 END)
                   OVER invoice AS lag_value
          FROM metrics_billing_invoice_state i JOIN metrics_billing_customer c ON c.id = i.customer_id
          WHERE i.valid_from < ${WORK_END} AND ${CUSTOMER_TENANT_FILTER}
          WINDOW invoice AS (PARTITION BY i.invoice_id ORDER BY i.valid_from, i.rank, i.source_id)) AS states`,
  },
};

/**
 * Bucket facts for NRR and GRR: the movements of customers who were paying when the bucket began (their
 * paying streak started before the bucket's first day); new and reactivated revenue is left out.
 * `bucketStart` maps a day to its bucket's first day.
 */
export function billingBucketFacts(bucketStart: (day: string) => string): string[] {
  const retained = `day >= :w0::date AND mrr_before > 0 AND paying_since < ${bucketStart('day')}`;
  return [
    `SELECT tenant_id, ${bucketStart('day')} AS bucket_date, 'mrr_retained_change' AS fact,
        sum(mrr_after - mrr_before) AS value
      FROM billing_movements WHERE ${retained} GROUP BY 1, 2`,
    `SELECT tenant_id, ${bucketStart('day')}, 'mrr_retained_loss', sum(mrr_before - greatest(mrr_after, 0))
      FROM billing_movements WHERE ${retained} AND mrr_after < mrr_before GROUP BY 1, 2`,
    // Logo churn: customers paying at the bucket's start whose paying streak ended in it (one row each at most).
    `SELECT tenant_id, ${bucketStart('day')}, 'paying_retained_lost', count(*)
      FROM billing_movements WHERE ${retained} AND mrr_after <= 0 GROUP BY 1, 2`,
  ];
}
