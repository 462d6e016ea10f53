import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { PUBLIC_METRICS } from '../catalog/metric-catalog.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import {
  SnapshotExportRepository,
  snapshotExportStatements,
  type ExportRange,
  type TenantsPageAfter,
} from '../repositories/snapshot-export.repository.js';
import { localDate } from '../common/local-clock.js';

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

/**
 * Snapshots as CSV, one row per snapshot of every bucket that touches the range (the timeseries' buckets), the
 * header from the catalog. On PostgreSQL the database writes the CSV (`COPY … TO STDOUT`, at COPY's speed, streamed
 * with back-pressure); on PGlite, which has no COPY to a client, rows are read in keyset pages and written by
 * csv-stringify. Both stream, and both write the same cells (SnapshotExportRepository holds both statements).
 */
@Injectable()
export class CsvExportService {
  constructor(
    private readonly snapshots: SnapshotExportRepository,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    private readonly config: MetricsConfigService,
  ) {}

  /** Today in the reporting timezone: the buckets that have not ended by then are to date. */
  private async today(asOf?: Date): Promise<string> {
    return localDate(asOf ?? new Date(), (await this.config.get()).timezone);
  }

  private range(query: ExportQuery, today: string): ExportRange {
    return {
      env: this.options.environment,
      bucket: query.bucket ?? 'daily',
      start: query.start,
      end: query.end,
      today,
    };
  }

  /** Resolves once the database connection is held, so an outage fails the request before any byte is sent. */
  async open(query: ExportQuery): Promise<Readable> {
    const today = await this.today(query.asOf);
    const range = this.range(query, today);
    const copy = await this.snapshots.copy(
      query.allTenants
        ? snapshotExportStatements.copyEveryScope(CSV_HEADER, range)
        : snapshotExportStatements.copyScope(CSV_HEADER, { ...range, tenant: query.tenant ?? null }),
    );
    return copy ?? this.pagedStream(query, today);
  }

  /** The JavaScript writer: PGlite's path, and what the COPY path is checked against (test/csv-export). */
  pagedStream(query: ExportQuery, today: string): Readable {
    const rows = Readable.from(this.rows(query, today));
    const csv = stringify({ header: true, columns: CSV_HEADER });
    rows.on('error', (error) => csv.destroy(error));
    return rows.pipe(csv);
  }

  private rows(query: ExportQuery, today: string): AsyncGenerator<string[]> {
    return query.allTenants ? this.allTenantRows(query, today) : this.scopeRows(query, today);
  }

  private async *scopeRows(query: ExportQuery, today: string): AsyncGenerator<string[]> {
    const scope = { ...this.range(query, today), tenant: query.tenant ?? null };
    // One scope and bucket have one row per date (the snapshot's unique key), so the date alone pages.
    let after = '0001-01-01';
    for (;;) {
      const page = await this.snapshots.page(snapshotExportStatements.scopePage(CSV_HEADER, scope, after, PAGE_SIZE));
      for (const row of page) {
        yield CSV_HEADER.map((column) => neutraliseFormula(row[column]));
      }
      if (page.length < PAGE_SIZE) return;
      after = String(page[page.length - 1].bucket_date);
    }
  }

  /** Every tenant's rows in key pages (tenant, date), then the global view's: the order COPY writes them in. */
  private async *allTenantRows(query: ExportQuery, today: string): AsyncGenerator<string[]> {
    const range = this.range(query, today);
    let after: TenantsPageAfter | null = null;
    for (;;) {
      const page = await this.snapshots.page(snapshotExportStatements.tenantsPage(CSV_HEADER, range, after, PAGE_SIZE));
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
