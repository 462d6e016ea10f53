import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { readQuery } from '../database/read-replica.js';
import { run, type Statement } from '../database/statement.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { BUCKET_DATE } from '../sql/bucket-dates.js';
import { tenantAmong } from '../sql/tenant-predicate.js';

/** The ranking's sort keys (GET tenants/ranking `sort`) and the column each orders by. */
const SORT_COLUMN = {
  mrr: 'mrr',
  active_users: 'active_users',
  growth: 'growth_pct',
} as const;
export type RankingSort = keyof typeof SORT_COLUMN;

/**
 * Every tenant with daily snapshots in [:start, :end] (of those in :scope, when the caller is limited to some),
 * with MRR and MAU on its last day with data and its MRR growth rate as the catalog defines it (metrics.md):
 * MRR at the end against MRR at the start of its first day with data. The tenants come from the monthly rows
 * (every computed day also writes its month, ~30× fewer rows); each tenant's first and last day are two lookups
 * on the snapshot's unique key, so three years of daily rows are never read. The window count gives the total
 * before the page is cut.
 */
function rankingSql(sort: RankingSort, order: 'asc' | 'desc', scope: readonly string[] | null): string {
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
        AND ${tenantAmong('tenant_id', scope, 'scope')}),
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
function sparklineSql(bucket: BucketType, tenants: readonly string[]): string {
  return `
    SELECT tenant_id, bucket_date::text AS date, mrr::float8 AS mrr, mau::int AS active_users
    FROM system_metrics_snapshot
    WHERE environment = :environment AND bucket_type = :bucket AND ${tenantAmong('tenant_id', tenants)}
      AND bucket_date BETWEEN ${BUCKET_DATE[bucket](':start::date')} AND :end::date
    ORDER BY tenant_id, bucket_date`;
}

export interface RankingQuery {
  environment: string;
  start: string;
  end: string;
  /** The tenants the caller may see (the tenantScope option), null: all. */
  scope: readonly string[] | null;
  sort: RankingSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface SparklineQuery {
  environment: string;
  bucket: BucketType;
  tenants: readonly string[];
  start: string;
  end: string;
}

/** One ranked tenant as the ranking statement returns it, with the count of every tenant before the page. */
export interface RankingRow {
  tenant_id: string;
  mrr: number | null;
  mrr_at_start: number | null;
  growth_pct: number | null;
  active_users: number | null;
  total: number;
}

export interface SparklineRow {
  tenant_id: string;
  date: string;
  mrr: number | null;
  active_users: number | null;
}

/** The statements of GET tenants/ranking, as pure functions (rendered in docs/sql/tenant-ranking.sql). */
export const tenantRankingStatements = {
  ranking: ({ sort, order, scope, ...params }: RankingQuery): Statement => ({
    sql: rankingSql(sort, order, scope),
    params: { ...params, scope: scope ? [...scope] : null },
  }),

  sparkline: ({ tenants, ...params }: SparklineQuery): Statement => ({
    sql: sparklineSql(params.bucket, tenants),
    params: { ...params, tenants: [...tenants] },
  }),
};

/** The dashboard's tenant drill-down (issue 15): two statements per page, whatever the number of tenants. */
@Injectable()
export class TenantRankingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page of the ranking; on the read replica. */
  ranking(query: RankingQuery): Promise<RankingRow[]> {
    return run<RankingRow>(
      (text, values) => readQuery(this.dataSource, text, values),
      tenantRankingStatements.ranking(query),
    );
  }

  /** The sparkline points of the given tenants, ordered by tenant and date; on the read replica. */
  sparklines(query: SparklineQuery): Promise<SparklineRow[]> {
    return run<SparklineRow>(
      (text, values) => readQuery(this.dataSource, text, values),
      tenantRankingStatements.sparkline(query),
    );
  }
}
