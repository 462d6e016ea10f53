import { compileSql } from '../database/named-sql.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { BUCKET_DATE } from '../sql/bucket-dates.js';

const STEP: Record<BucketType, string> = { daily: '1 day', weekly: '1 week', monthly: '1 month' };
const LAST_DAY: Record<BucketType, string> = {
  daily: 'b::date',
  weekly: 'b::date + 6',
  monthly: "(b + interval '1 month')::date - 1",
};

/**
 * MRR by plan at the end of every bucket of [start, end] (issue 17, `breakdown=plan`), read from the ledger: each
 * row holds from its time until the subscription's next row, and its MRR is shared among the plans (prices) of the
 * state it came from in proportion to their undiscounted monthly amounts, so a discount lowers each plan alike and
 * the plans add up to MRR. Manual entries are the plan `manual`. Set-based: one statement for the whole range.
 * Parameters: :start, :end, :tz, :tenant, :currency, :rates.
 */
export function planBreakdownSql(bucket: BucketType): string {
  return `
    WITH ends AS (
      SELECT b::date AS bucket_date, ((${LAST_DAY[bucket]}) + 1)::timestamp AT TIME ZONE :tz AS at
      FROM generate_series(${BUCKET_DATE[bucket](':start::date')}, :end::date, interval '${STEP[bucket]}') AS b),
    spans AS (
      SELECT l.subscription_id, l.source_id, l.effective_at AS from_at,
             lead(l.effective_at) OVER (PARTITION BY l.subscription_id ORDER BY l.effective_at, l.seq) AS to_at,
             l.mrr * CASE WHEN l.currency = upper(:currency::text) THEN 1
                          ELSE (:rates::jsonb ->> l.currency)::numeric END AS mrr
      FROM metrics_revenue_ledger l JOIN metrics_billing_customer c ON c.id = l.customer_id
      WHERE (:tenant::varchar IS NULL OR c.tenant_id = :tenant::varchar)),
    shares AS (
      SELECT s.subscription_id, s.source_id, item ->> 'price' AS plan,
             (item ->> 'monthly')::numeric / nullif(sum((item ->> 'monthly')::numeric)
               OVER (PARTITION BY s.subscription_id, s.source_id), 0) AS share
      FROM metrics_billing_subscription_state s, jsonb_array_elements(s.items -> 'items') AS item
      WHERE s.subscription_id IN (SELECT subscription_id FROM spans))
    SELECT e.bucket_date::text AS date,
           jsonb_object_agg(plan, mrr ORDER BY plan) FILTER (WHERE plan IS NOT NULL) AS plans
    FROM ends e LEFT JOIN (
      SELECT e.bucket_date, coalesce(sh.plan, CASE WHEN sp.subscription_id LIKE 'manual:%' THEN 'manual' ELSE 'unknown' END) AS plan,
             round(sum(sp.mrr * coalesce(sh.share, 1)), 2) AS mrr
      FROM ends e
      JOIN spans sp ON sp.from_at < e.at AND (sp.to_at IS NULL OR sp.to_at >= e.at) AND sp.mrr > 0
      LEFT JOIN shares sh ON sh.subscription_id = sp.subscription_id AND sh.source_id = sp.source_id
      GROUP BY 1, 2) AS per_plan ON per_plan.bucket_date = e.bucket_date
    GROUP BY e.bucket_date ORDER BY e.bucket_date`;
}

type Query = (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

/** Per bucket date, MRR per plan at the bucket's end (an empty object where nobody pays). */
export async function planBreakdown(
  query: Query,
  bucket: BucketType,
  params: { start: string; end: string; tz: string; tenant: string | null; currency: string; rates: string },
): Promise<Map<string, Record<string, number>>> {
  const compiled = compileSql(planBreakdownSql(bucket), params);
  const rows = await query(compiled.text, compiled.values);
  return new Map(
    rows.map((row) => {
      const plans = (typeof row.plans === 'string' ? JSON.parse(row.plans) : (row.plans ?? {})) as Record<
        string,
        unknown
      >;
      return [String(row.date), Object.fromEntries(Object.entries(plans).map(([plan, mrr]) => [plan, Number(mrr)]))];
    }),
  );
}
