import { compileSql } from '../database/named-sql.js';

/** A bucket where MRR at start + net new MRR ≠ MRR at the end (metrics.md, "Reconciliation"). */
export interface ReconciliationDifference {
  bucket_type: string;
  bucket_date: string;
  tenant: string | null;
  mrr_at_start: number;
  mrr_net_new: number;
  mrr: number;
  /** mrr − (mrr_at_start + mrr_net_new). */
  difference: number;
}

export interface ReconciliationReport {
  start: string;
  end: string;
  tenant: string | null;
  /** Snapshots checked (every bucket type and scope touching the range). */
  checked: number;
  differences: ReconciliationDifference[];
}

/**
 * Each of the three figures is stored rounded to the cent, so they may disagree by one cent of rounding; more
 * than that is a movement the ledger did not explain.
 */
const ROUNDING = 0.01;

/**
 * The stored snapshots of every bucket type touching [:start, :end] (global and per tenant, or one tenant),
 * with their reconciliation gap. Set-based: one statement however long the range.
 */
const RECONCILIATION_SQL = `
  SELECT bucket_type, bucket_date::text AS bucket_date, tenant_id,
         coalesce(mrr_at_start, 0)::float8 AS mrr_at_start, coalesce(mrr_net_new, 0)::float8 AS mrr_net_new,
         mrr::float8 AS mrr, (mrr - coalesce(mrr_at_start, 0) - coalesce(mrr_net_new, 0))::float8 AS difference
  FROM system_metrics_snapshot
  WHERE environment = :env AND mrr IS NOT NULL
    AND bucket_date BETWEEN least(date_trunc('week', :start::date), date_trunc('month', :start::date))::date
                        AND :end::date
    AND CASE bucket_type WHEN 'daily' THEN bucket_date >= :start::date
                         WHEN 'weekly' THEN bucket_date + 6 >= :start::date
                         ELSE (bucket_date + interval '1 month')::date > :start::date END
    AND (:tenant::varchar IS NULL OR tenant_id = :tenant::varchar)`;

type Query = (text: string, values: unknown[]) => Promise<unknown[]>;

export async function reconcile(
  query: Query,
  request: { env: string; start: string; end: string; tenant: string | null },
): Promise<ReconciliationReport> {
  const compiled = compileSql(
    `SELECT count(*)::int AS checked,
            coalesce(jsonb_agg(to_jsonb(r) ORDER BY bucket_type, bucket_date, tenant_id NULLS FIRST)
              FILTER (WHERE abs(difference) > :rounding), '[]'::jsonb) AS differences
     FROM (${RECONCILIATION_SQL}) AS r`,
    { ...request, rounding: ROUNDING },
  );
  const [row] = (await query(compiled.text, compiled.values)) as {
    checked: number;
    differences: (Omit<ReconciliationDifference, 'tenant'> & { tenant_id: string | null })[] | string;
  }[];
  const rows =
    typeof row.differences === 'string'
      ? (JSON.parse(row.differences) as Exclude<typeof row.differences, string>)
      : row.differences;
  return {
    start: request.start,
    end: request.end,
    tenant: request.tenant,
    checked: Number(row.checked),
    differences: rows.map(({ tenant_id, ...difference }) => ({
      ...difference,
      tenant: tenant_id,
      difference: Math.round(difference.difference * 100) / 100,
    })),
  };
}
