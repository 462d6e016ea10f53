import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { PUBLIC_METRICS } from '../catalog/metric-catalog.js';
import { compileSql, quoteIdent } from '../database/named-sql.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { completeCell, copyAllTenantsCsvStream, copyCsvStream, type CopyClient } from './csv-copy.js';
import { allTenantsPageSql } from './all-tenants-export.sql.js';
import { BUCKET_DATE } from '../sql/bucket-dates.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { localDate } from '../common/local-clock.js';
import { tenantIs } from '../sql/tenant-predicate.js';
import { obtainReadConnection, readQuery } from '../database/read-replica.js';

export interface ExportQuery {
  start: string;
  end: string;
  tenant?: string | null;
  /** Every scope in one export: each tenant in name order, then the global view (`tenant` is then ignored). */
  allTenants?: boolean;
  bucket?: BucketType;
  /** "Now", which decides the buckets still in progress; tests pin it. */
  asOf?: Date;
}

/** Rows are read in pages of this size, so memory stays flat however long the export is. */
const PAGE_SIZE = 2_000;
/** `complete`: false while the bucket's last day has not ended in the reporting timezone (to date). */
const KEY_COLUMNS = ['bucket_type', 'bucket_date', 'tenant_id', 'environment', 'computed_at', 'complete'];
export const CSV_HEADER = [...KEY_COLUMNS, ...PUBLIC_METRICS.map((metric) => metric.key)];

const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** A value as cell text: instants in ISO-8601, arrays (histograms) comma-joined, objects as JSON. */
function cellText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.join(',');
  return JSON.stringify(value) ?? '';
}

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) is prefixed with a quote,
 * unless it is a plain number. Every cell is then quoted per RFC 4180 where needed.
 */
export function neutraliseFormula(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = cellText(value);
  return /^[=+\-@\t\r]/.test(text) && !NUMBER.test(text) ? `'${text}` : text;
}

/** A `pg` client (COPY streams need its protocol connection); PGlite's session is not one. */
function isCopyClient(client: unknown): client is CopyClient {
  const candidate = client as { escapeLiteral?: unknown; connection?: unknown } | null;
  return typeof candidate?.escapeLiteral === 'function' && typeof candidate.connection === 'object';
}

/**
 * Snapshots as CSV, one row per snapshot of every bucket that touches the range (the timeseries' buckets), the header from the catalog. On PostgreSQL the database writes the CSV
 * (`COPY ... TO STDOUT`, see csv-copy.ts); on PGlite, which has no COPY to a client, rows are read in keyset pages
 * and written by csv-stringify. Both stream, and both write the same cells.
 */
@Injectable()
export class CsvExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    private readonly config: MetricsConfigService,
  ) {}

  /** Today in the reporting timezone: the buckets that have not ended by then are to date. */
  private async today(asOf?: Date): Promise<string> {
    return localDate(asOf ?? new Date(), (await this.config.get()).timezone);
  }

  /** Resolves once the database connection is held, so an outage fails the request before any byte is sent. */
  async open(query: ExportQuery): Promise<Readable> {
    const today = await this.today(query.asOf);
    const [client, release] = await obtainReadConnection(this.dataSource);
    if (!isCopyClient(client)) {
      release();
      return this.pagedStream(query, today);
    }
    const scope = {
      environment: this.options.environment,
      bucket: query.bucket ?? 'daily',
      start: query.start,
      end: query.end,
      today,
    };
    const csv = query.allTenants
      ? copyAllTenantsCsvStream(client, CSV_HEADER, scope)
      : copyCsvStream(client, CSV_HEADER, { ...scope, tenant: query.tenant ?? null });
    // Back to the pool once the COPY has ended; a COPY cut short (client gone, error) takes its connection with it.
    let held = true;
    const done = (error?: Error) => {
      if (!held) return;
      held = false;
      release(error);
    };
    csv.once('end', () => done());
    csv.once('error', (error: Error) => done(error));
    csv.once('close', () => done(csv.readableEnded ? undefined : new Error('CSV export stopped before its end')));
    return csv;
  }

  /** The JavaScript writer: PGlite's path, and what the COPY path is checked against (test/csv-export). */
  pagedStream(query: ExportQuery, today: string): Readable {
    const rows = Readable.from(this.rows(query, today));
    const csv = stringify({ header: true, columns: CSV_HEADER });
    rows.on('error', (error) => csv.destroy(error));
    return rows.pipe(csv);
  }

  /** The cells of a row as the JavaScript writer selects them (formulas are neutralised afterwards). */
  private columns(bucket: BucketType): string {
    return CSV_HEADER.map((column) => {
      if (column === 'bucket_date') return 'bucket_date::text AS bucket_date';
      if (column === 'complete') return `${completeCell(bucket, ':today::date')} AS complete`;
      return quoteIdent(column);
    }).join(', ');
  }

  private rows(query: ExportQuery, today: string): AsyncGenerator<string[]> {
    return query.allTenants ? this.allTenantRows(query, today) : this.scopeRows(query, today);
  }

  private async *scopeRows(query: ExportQuery, today: string): AsyncGenerator<string[]> {
    const bucket = query.bucket ?? 'daily';
    const columns = this.columns(bucket);
    // One scope and bucket have one row per date (the snapshot's unique key), so the date alone pages.
    let after = '0001-01-01';
    for (;;) {
      const compiled = compileSql(
        `SELECT ${columns} FROM system_metrics_snapshot
         WHERE environment = :env AND bucket_type = :bucket::varchar AND ${tenantIs('tenant_id', query.tenant)}
           AND bucket_date BETWEEN ${BUCKET_DATE[bucket](':start::date')} AND :end::date AND bucket_date > :after::date
         ORDER BY bucket_date LIMIT ${PAGE_SIZE}`,
        {
          env: this.options.environment,
          bucket,
          tenant: query.tenant ?? null,
          start: query.start,
          end: query.end,
          after,
          today,
        },
      );
      const page = await readQuery(this.dataSource, compiled.text, compiled.values);
      for (const row of page) {
        yield CSV_HEADER.map((column) => neutraliseFormula(row[column]));
      }
      if (page.length < PAGE_SIZE) return;
      after = String(page[page.length - 1].bucket_date);
    }
  }

  /** Every tenant's rows in key pages (tenant, date), then the global view's: the order COPY writes them in. */
  private async *allTenantRows(query: ExportQuery, today: string): AsyncGenerator<string[]> {
    const bucket = query.bucket ?? 'daily';
    const columns = this.columns(bucket);
    let after: { tenant: string; date: string } | null = null;
    for (;;) {
      const compiled = compileSql(allTenantsPageSql(columns, bucket, PAGE_SIZE, after === null), {
        env: this.options.environment,
        bucket,
        start: query.start,
        end: query.end,
        today,
        ...(after ? { after_tenant: after.tenant, after_date: after.date } : {}),
      });
      const page = await readQuery(this.dataSource, compiled.text, compiled.values);
      for (const row of page) {
        yield CSV_HEADER.map((column) => neutraliseFormula(row[column]));
      }
      if (page.length < PAGE_SIZE) break;
      const last = page[page.length - 1];
      after = { tenant: String(last.tenant_id), date: String(last.bucket_date) };
    }
    yield* this.scopeRows({ ...query, allTenants: false, tenant: null }, today);
  }
}
