import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import { quoteIdent } from '../database/named-sql.js';
import { BUCKET_DATE, BUCKET_LAST_DAY } from '../sql/bucket-dates.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { allTenantsSelect } from './all-tenants-export.sql.js';

/** What the export asks of a `pg` client: a COPY stream and safe literals (COPY takes no bind parameters). */
export interface CopyClient {
  escapeLiteral(value: string): string;
  query(copy: ReturnType<typeof copyTo>): Readable;
}

export interface CopyExportQuery {
  environment: string;
  bucket: string;
  tenant: string | null;
  start: string;
  end: string;
  /** Today in the reporting timezone (YYYY-MM-DD). */
  today: string;
}

/** The `complete` cell in SQL, the same text on both writers: has the bucket's last day ended before `today`? */
export function completeCell(bucket: string, today: string): string {
  const lastDay = BUCKET_LAST_DAY[bucket as BucketType]('bucket_date');
  return `CASE WHEN ${lastDay} < ${today} THEN 'true' ELSE 'false' END`;
}

/**
 * A text cell as `neutraliseFormula` writes it, in SQL: prefixed with a quote when a spreadsheet would run it as a
 * formula (=, +, -, @, tab or carriage return first), unless it is a plain number.
 */
function neutralisedText(column: string): string {
  return `CASE WHEN left(${column}, 1) IN ('=', '+', '-', '@', chr(9), chr(13))
    AND ${column} !~ '^-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?$' THEN '''' || ${column} ELSE ${column} END`;
}

/** The export's columns as the JavaScript path writes them (dates as text, computed_at as an ISO instant). */
function exportColumn(column: string, complete: string): string {
  const name = quoteIdent(column);
  if (column === 'complete') return `${complete} AS ${name}`;
  if (column === 'bucket_date') return `bucket_date::text AS ${name}`;
  if (column === 'computed_at')
    return `to_char(computed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${name}`;
  if (column === 'tenant_id' || column === 'environment' || column === 'bucket_type')
    return `${neutralisedText(column)} AS ${name}`;
  return name; // numbers: PostgreSQL prints numeric and integer columns as the driver returns them
}

/**
 * `COPY (one scope's snapshots) TO STDOUT` as CSV: PostgreSQL formats the rows, so the export runs at COPY's speed
 * and streams with back-pressure (the client's socket paces the server). Values are literals quoted by the
 * driver (COPY cannot take parameters), and every one was validated before.
 */
export function copyCsvStream(client: CopyClient, header: string[], query: CopyExportQuery): Readable {
  const literal = (value: string) => client.escapeLiteral(value);
  const tenant = query.tenant === null ? 'tenant_id IS NULL' : `tenant_id = ${literal(query.tenant)}`;
  const bucket = query.bucket as BucketType;
  const complete = completeCell(bucket, `${literal(query.today)}::date`);
  const select = `SELECT ${header.map((column) => exportColumn(column, complete)).join(', ')} FROM system_metrics_snapshot
    WHERE environment = ${literal(query.environment)} AND bucket_type = ${literal(bucket)} AND ${tenant}
      AND bucket_date BETWEEN ${BUCKET_DATE[bucket](`${literal(query.start)}::date`)} AND ${literal(query.end)}::date
    ORDER BY bucket_date`;
  return client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER true)`));
}

/** `COPY (every scope's snapshots) TO STDOUT`: the all-tenants export, written by PostgreSQL like one scope's. */
export function copyAllTenantsCsvStream(
  client: CopyClient,
  header: string[],
  query: Omit<CopyExportQuery, 'tenant'>,
): Readable {
  const literal = (value: string) => client.escapeLiteral(value);
  const bucket = query.bucket as BucketType;
  const complete = completeCell(bucket, `${literal(query.today)}::date`);
  const select = allTenantsSelect(header.map((column) => exportColumn(column, complete)).join(', '), bucket, {
    environment: literal(query.environment),
    bucketType: literal(bucket),
    start: literal(query.start),
    end: literal(query.end),
  });
  return client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER true)`));
}
