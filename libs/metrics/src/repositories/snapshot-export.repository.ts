import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { copyOut } from '../database/copy-out.js';
import { quoteIdent } from '../database/named-sql.js';
import { readQuery } from '../database/read-replica.js';
import { run, type Statement } from '../database/statement.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { BUCKET_DATE, BUCKET_LAST_DAY } from '../sql/bucket-dates.js';
import { tenantIs } from '../sql/tenant-predicate.js';

/** The rows of one bucket type touching [start, end], as GET export.csv asks for them. */
export interface ExportRange {
  env: string;
  bucket: BucketType;
  start: string;
  end: string;
  /** Today in the reporting timezone (YYYY-MM-DD): a bucket whose last day has not ended is not `complete`. */
  today: string;
}

/** One scope's rows: a tenant's, or the global view's (tenant null). */
export interface ScopeExport extends ExportRange {
  tenant: string | null;
}

/** Where the previous page of the all-tenants rows ended, in key order. */
export interface TenantsPageAfter {
  tenant: string;
  date: string;
}

/** The `complete` cell, the same text on both writers: has the bucket's last day ended before today? */
function completeCell(bucket: BucketType): string {
  return `CASE WHEN ${BUCKET_LAST_DAY[bucket]('bucket_date')} < :today::date THEN 'true' ELSE 'false' END`;
}

/**
 * A text cell as the JavaScript writer's `neutraliseFormula` writes it, in SQL: prefixed with a quote when a
 * spreadsheet would run it as a formula (=, +, -, @, tab or carriage return first), unless it is a plain number.
 */
function neutralisedText(column: string): string {
  return `CASE WHEN left(${column}, 1) IN ('=', '+', '-', '@', chr(9), chr(13))
    AND ${column} !~ '^-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?$' THEN '''' || ${column} ELSE ${column} END`;
}

/** A cell as PostgreSQL writes it for COPY, as the JavaScript writer would (dates as text, instants in ISO). */
function copyCell(column: string, bucket: BucketType): string {
  const name = quoteIdent(column);
  if (column === 'complete') return `${completeCell(bucket)} AS ${name}`;
  if (column === 'bucket_date') return `bucket_date::text AS ${name}`;
  if (column === 'computed_at')
    return `to_char(computed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${name}`;
  if (column === 'tenant_id' || column === 'environment' || column === 'bucket_type')
    return `${neutralisedText(column)} AS ${name}`;
  return name; // numbers: PostgreSQL prints numeric and integer columns as the driver returns them
}

/** A cell as the JavaScript writer reads it (it neutralises formulas and formats instants itself). */
function pagedCell(column: string, bucket: BucketType): string {
  if (column === 'bucket_date') return 'bucket_date::text AS bucket_date';
  if (column === 'complete') return `${completeCell(bucket)} AS complete`;
  return quoteIdent(column);
}

/** One scope's rows of the range by date (one row per date: the snapshot's unique key). */
function scopeSql(cells: string, query: ScopeExport, page: string): string {
  return `SELECT ${cells} FROM system_metrics_snapshot
    WHERE environment = :env AND bucket_type = :bucket AND ${tenantIs('tenant_id', query.tenant)}
      AND bucket_date BETWEEN ${BUCKET_DATE[query.bucket](':start::date')} AND :end::date${page}
    ORDER BY bucket_date`;
}

/**
 * Every scope's rows of the range (`export.csv?all_tenants=true`): each tenant in name order, then the global view
 * (tenant_id NULL, last in ascending order), within a scope by date. That is the order of the snapshot's unique key
 * (environment, tenant_id, bucket_type, bucket_date), so the database reads it from the index instead of sorting
 * the table. ORDER BY names the table's columns (`s.`): unqualified, it would sort by the output cells of the same
 * names (the neutralised tenant, the date as text), another order and not the index's.
 */
function everyScopeSql(cells: string, bucket: BucketType, scopes: string): string {
  return `SELECT ${cells} FROM system_metrics_snapshot AS s
    WHERE environment = :env AND bucket_type = :bucket${scopes}
      AND bucket_date BETWEEN ${BUCKET_DATE[bucket](':start::date')} AND :end::date
    ORDER BY s.tenant_id, s.bucket_date`;
}

const copyCsv = (select: string) => `COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER true)`;

const rangeParams = ({ env, bucket, start, end, today }: ExportRange) => ({ env, bucket, start, end, today });

/**
 * The statements of GET export.csv, as pure functions (rendered in docs/sql/snapshot-export.sql). On PostgreSQL the
 * database writes the CSV (`copyScope`, `copyEveryScope`): the export runs at COPY's speed. On PGlite, which has no
 * COPY to a client, the same rows are read in key pages (`scopePage`, `tenantsPage`) and written in JavaScript.
 */
export const snapshotExportStatements = {
  copyScope: (header: readonly string[], query: ScopeExport): Statement => ({
    sql: copyCsv(scopeSql(header.map((column) => copyCell(column, query.bucket)).join(', '), query, '')),
    params: { ...rangeParams(query), tenant: query.tenant },
  }),

  copyEveryScope: (header: readonly string[], query: ExportRange): Statement => ({
    sql: copyCsv(everyScopeSql(header.map((column) => copyCell(column, query.bucket)).join(', '), query.bucket, '')),
    params: rangeParams(query),
  }),

  /** The scope's rows after the date `after`, at most `limit`. */
  scopePage: (header: readonly string[], query: ScopeExport, after: string, limit: number): Statement => ({
    sql: `${scopeSql(
      header.map((column) => pagedCell(column, query.bucket)).join(', '),
      query,
      ' AND bucket_date > :after::date',
    )} LIMIT :limit`,
    params: { ...rangeParams(query), tenant: query.tenant, after, limit },
  }),

  /** The tenants' rows after `after` in key order (the first page with `after` null); the global view is read apart. */
  tenantsPage: (
    header: readonly string[],
    query: ExportRange,
    after: TenantsPageAfter | null,
    limit: number,
  ): Statement => ({
    sql: `${everyScopeSql(
      header.map((column) => pagedCell(column, query.bucket)).join(', '),
      query.bucket,
      ` AND tenant_id IS NOT NULL${
        after
          ? ' AND (tenant_id > :after_tenant::varchar OR (tenant_id = :after_tenant::varchar AND bucket_date > :after_date::date))'
          : ''
      }`,
    )} LIMIT :limit`,
    params: { ...rangeParams(query), limit, ...(after ? { after_tenant: after.tenant, after_date: after.date } : {}) },
  }),
};

/** The snapshots as the CSV export reads them: a COPY stream on PostgreSQL, key pages on PGlite; on the read replica. */
@Injectable()
export class SnapshotExportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The CSV as PostgreSQL writes it, once the connection is held; null on PGlite (no COPY to a client). */
  copy(statement: Statement): Promise<Readable | null> {
    return copyOut(this.dataSource, statement);
  }

  page(statement: Statement): Promise<Record<string, unknown>[]> {
    return run((text, values) => readQuery(this.dataSource, text, values), statement);
  }
}
