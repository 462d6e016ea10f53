import type { BucketType } from '../entities/snapshot.entity.js';
import { compileSql } from '../database/named-sql.js';
import { readQuery } from '../database/read-replica.js';
import type { DataSource } from 'typeorm';
import { BUCKET_DATE } from '../sql/bucket-dates.js';
import type { RankedTenant, SparkPoint, TenantRankingSort } from './tenant-ranking.dto.js';

const SORT_COLUMN: Record<TenantRankingSort, string> = {
  mrr: 'mrr',
  active_users: 'active_users',
  growth: 'growth_pct',
};

/**
 * Every tenant with daily snapshots in [:start, :end] (of those in :scope, when the caller is limited to some),
 * with MRR and MAU on its last day with data and its MRR growth rate as the catalog defines it (metrics.md):
 * MRR at the end against MRR at the start of its first day with data. The tenants come from the monthly rows
 * (every computed day also writes its month, ~30× fewer rows); each tenant's first and last day are two lookups
 * on the snapshot's unique key, so three years of daily rows are never read. The window count gives the total
 * before the page is cut.
 */
function rankingSql(sort: TenantRankingSort, order: 'asc' | 'desc'): string {
  const direction = order === 'asc' ? 'ASC' : 'DESC';
  const day = (select: string, first: 'ASC' | 'DESC') => `
    SELECT ${select} FROM system_metrics_snapshot d
    WHERE d.environment = :environment AND d.tenant_id = t.tenant_id AND d.bucket_type = 'daily'
      AND d.bucket_date BETWEEN :start::date AND :end::date
    ORDER BY d.bucket_date ${first} LIMIT 1`;
  return `
    WITH tenants AS (
      SELECT DISTINCT tenant_id FROM system_metrics_snapshot
      WHERE environment = :environment AND bucket_type = 'monthly' AND tenant_id IS NOT NULL
        AND bucket_date BETWEEN date_trunc('month', :start::date)::date AND :end::date
        AND (:scope::varchar[] IS NULL OR tenant_id = ANY(:scope::varchar[]))),
    ranked AS (
      SELECT t.tenant_id, e.mrr::float8 AS mrr, s.mrr_at_start::float8 AS mrr_at_start, e.mau::int AS active_users,
             CASE WHEN s.mrr_at_start > 0
                  THEN round((coalesce(e.mrr, 0) - s.mrr_at_start) / s.mrr_at_start * 100, 2)::float8 END AS growth_pct
      FROM tenants t
      JOIN LATERAL (${day('d.mrr, d.mau', 'DESC')}) AS e ON true
      JOIN LATERAL (${day('d.mrr_at_start', 'ASC')}) AS s ON true)
    SELECT *, (count(*) OVER ())::int AS total FROM ranked
    ORDER BY ${SORT_COLUMN[sort]} ${direction} NULLS LAST, tenant_id
    LIMIT :limit OFFSET :offset`;
}

/** The page's tenants' MRR and MAU per bucket row (weekly and monthly rows hold the values at their end). */
function sparklineSql(bucket: BucketType): string {
  return `
    SELECT tenant_id, bucket_date::text AS date, mrr::float8 AS mrr, mau::int AS active_users
    FROM system_metrics_snapshot
    WHERE environment = :environment AND bucket_type = :bucket AND tenant_id = ANY(:tenants::varchar[])
      AND bucket_date BETWEEN ${BUCKET_DATE[bucket](':start::date')} AND :end::date
    ORDER BY tenant_id, bucket_date`;
}

export interface RankingParams {
  environment: string;
  start: string;
  end: string;
  /** The tenants the caller may see (the tenantScope option), null: all. */
  scope: readonly string[] | null;
  sort: TenantRankingSort;
  order: 'asc' | 'desc';
  bucket: BucketType;
  limit: number;
  offset: number;
}

type Row = Omit<RankedTenant, 'rank' | 'sparkline' | 'tenant'> & { tenant_id: string; total: number };

/** One page of the ranking, each tenant with its sparkline: two statements, whatever the number of tenants. */
export async function rankTenants(
  dataSource: DataSource,
  params: RankingParams,
): Promise<{ total: number; tenants: RankedTenant[] }> {
  const { environment, start, end, limit, offset } = params;
  const scope = params.scope ? [...params.scope] : null;
  const ranking = compileSql(rankingSql(params.sort, params.order), { environment, start, end, scope, limit, offset });
  const rows = await readQuery<Row>(dataSource, ranking.text, ranking.values);
  const tenants = rows.map((row) => row.tenant_id);
  const points = new Map<string, SparkPoint[]>(tenants.map((tenant) => [tenant, []]));
  if (tenants.length > 0) {
    const bucket = params.bucket;
    const spark = compileSql(sparklineSql(bucket), { environment, bucket, tenants, start, end });
    const sparkRows = await readQuery<SparkPoint & { tenant_id: string }>(dataSource, spark.text, spark.values);
    for (const { tenant_id, ...point } of sparkRows) points.get(tenant_id)?.push(point);
  }
  return {
    total: rows[0]?.total ?? 0,
    tenants: rows.map(({ tenant_id, total: _total, ...values }, index) => ({
      rank: offset + index + 1,
      tenant: tenant_id,
      ...values,
      sparkline: points.get(tenant_id) ?? [],
    })),
  };
}
