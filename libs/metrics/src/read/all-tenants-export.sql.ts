import { BUCKET_DATE } from '../sql/bucket-dates.js';
import type { BucketType } from '../entities/snapshot.entity.js';

/**
 * The SQL of the all-tenants export (`export.csv?all_tenants=true`): every scope's snapshots of a range in one
 * answer — each tenant in name order, then the global view (tenant_id NULL) — and within a scope by date. That
 * is the order of the snapshot's unique key (environment, tenant_id, bucket_type, bucket_date, NULLs last), so the
 * database can read it from the index instead of sorting the whole table. ORDER BY names the table's columns
 * (`s.`): unqualified, it would sort by the output cells of the same names (the neutralised tenant, the date as
 * text) — another order, and not the index's.
 */

/** The rows of one bucket type in the range, every scope: `columns` are the cells, the rest named parameters. */
export function allTenantsSelect(columns: string, bucket: BucketType, values: AllTenantsValues): string {
  const { environment, bucketType, start, end } = values;
  return `SELECT ${columns} FROM system_metrics_snapshot AS s
    WHERE environment = ${environment} AND bucket_type = ${bucketType}
      AND bucket_date BETWEEN ${BUCKET_DATE[bucket](`${start}::date`)} AND ${end}::date
    ORDER BY s.tenant_id, s.bucket_date`;
}

/** How the caller writes each value: bind parameters (`:env`) for a query, quoted literals for a COPY. */
export interface AllTenantsValues {
  environment: string;
  bucketType: string;
  start: string;
  end: string;
}

/**
 * One page of the same rows for the paged writer (PGlite, which has no COPY to a client): the tenants' rows after
 * (`:after_tenant`, `:after_date`) in key order. The global view, last, is then read as a scope of its own.
 */
export function allTenantsPageSql(columns: string, bucket: BucketType, pageSize: number, first: boolean): string {
  const after = first
    ? ''
    : `AND (tenant_id > :after_tenant::varchar OR (tenant_id = :after_tenant::varchar AND bucket_date > :after_date::date))`;
  return `SELECT ${columns} FROM system_metrics_snapshot AS s
    WHERE environment = :env AND bucket_type = :bucket::varchar AND tenant_id IS NOT NULL
      AND bucket_date BETWEEN ${BUCKET_DATE[bucket](':start::date')} AND :end::date ${after}
    ORDER BY s.tenant_id, s.bucket_date LIMIT ${pageSize}`;
}
