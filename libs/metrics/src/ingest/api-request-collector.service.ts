import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { MetricsApiOptions, ResolvedMetricsOptions } from '../metrics.options.js';
import { MetricsPrometheus } from '../observability/prometheus-registry.js';
import { ApiRollupAccumulator, type ApiRequestSample } from './api-rollup.js';
import { EventWriter } from './event-writer.js';

export const API_METRICS_DEFAULTS: Required<MetricsApiOptions> = {
  flushIntervalMs: 2000,
  flushAtRows: 1000,
  flushAtRequests: 10_000,
  maxPendingRows: 100_000,
  includeOwnRoutes: false,
  countRequests: false,
};

/** Attempts of the last flush when the application shuts down, and the pause between them. */
const SHUTDOWN_ATTEMPTS = 3;
const SHUTDOWN_RETRY_MS = 250;

/**
 * Counts API requests in memory and writes them in batches, off the request path: on an interval, early when
 * enough is pending, and before the application shuts down. Each flush is ONE multi-row upsert into the same
 * rollup table the events endpoint writes. A failed flush puts its counts back and the next one retries them;
 * memory stays bounded by `maxPendingRows` (the oldest minutes go first, counted and logged).
 */
@Injectable()
export class ApiRequestCollector implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('MetricsApiRequests');
  readonly settings: Required<MetricsApiOptions>;
  private readonly pending = new ApiRollupAccumulator();
  private requestsSinceFlush = 0;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<boolean> | null = null;
  private flushQueued = false;
  private failuresInARow = 0;
  /** Requests counted per status class (index 1 = 1xx … 5 = 5xx). */
  private readonly byClass = [0, 0, 0, 0, 0, 0];
  private readonly flushes: Counter<'outcome'>;
  private readonly rowsWritten: Counter;
  private readonly dropped: Counter;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: MetricsConfigService,
    @InjectMetricsOptions() options: ResolvedMetricsOptions,
    prometheus: MetricsPrometheus,
    private readonly writer: EventWriter,
  ) {
    this.settings = { ...API_METRICS_DEFAULTS, ...options.apiMetrics };
    // Plain integers on the request path; prom-client reads them when scraped.
    const byClass = this.byClass;
    prometheus.metric(
      'exec_metrics_api_requests_counted_total',
      (client, registers) =>
        new client.Counter({
          name: 'exec_metrics_api_requests_counted_total',
          help: 'API requests counted by the metrics interceptor, by status class',
          labelNames: ['class'],
          registers,
          collect() {
            this.reset();
            byClass.forEach((count, hundreds) => count > 0 && this.inc({ class: `${hundreds}xx` }, count));
          },
        }),
    );
    this.flushes = prometheus.metric(
      'exec_metrics_api_flushes_total',
      (client, registers) =>
        new client.Counter({
          name: 'exec_metrics_api_flushes_total',
          help: 'Batched writes of counted API requests, by outcome',
          labelNames: ['outcome'],
          registers,
        }),
    );
    this.rowsWritten = prometheus.metric(
      'exec_metrics_api_rollup_rows_written_total',
      (client, registers) =>
        new client.Counter({
          name: 'exec_metrics_api_rollup_rows_written_total',
          help: 'Per-minute API rollup rows upserted by the interceptor flushes',
          registers,
        }),
    );
    this.dropped = prometheus.metric(
      'exec_metrics_api_requests_dropped_total',
      (client, registers) =>
        new client.Counter({
          name: 'exec_metrics_api_requests_dropped_total',
          help: 'Counted API requests dropped because the database could not be written for too long',
          registers,
        }),
    );
    const pendingRows = () => this.pending.size;
    prometheus.metric(
      'exec_metrics_api_pending_rows',
      (client, registers) =>
        new client.Gauge({
          name: 'exec_metrics_api_pending_rows',
          help: 'Per-minute API rollup rows waiting for the next flush',
          registers,
          collect() {
            this.set(pendingRows());
          },
        }),
    );
  }

  get pendingRows(): number {
    return this.pending.size;
  }

  onModuleInit(): void {
    // unref: a pending flush never keeps the process alive; shutdown flushes explicitly.
    this.timer = setInterval(() => void this.flush(), this.settings.flushIntervalMs).unref();
  }

  /** Counts one request; never waits for anything. */
  record(sample: ApiRequestSample): void {
    const at = typeof sample.at === 'number' ? sample.at : sample.at.getTime();
    this.count(sample.tenant, this.pending.routeId(sample.route), at, sample.status, sample.durationMs);
  }

  /** The number of a route pattern, for `count` (stable for the collector's life). */
  routeId(route: string): number {
    return this.pending.routeId(route);
  }

  /** Counts one request of a numbered route, `at` in epoch ms: what the interceptor calls, allocating nothing. */
  count(tenant: string | null, route: number, at: number, status: number, durationMs: number): void {
    this.pending.count(tenant, route, at, status, durationMs);
    this.byClass[Math.floor(status / 100)] += 1;
    this.requestsSinceFlush += 1;
    if (this.pending.size >= this.settings.flushAtRows || this.requestsSinceFlush >= this.settings.flushAtRequests) {
      this.flushSoon();
    }
  }

  private flushSoon(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      void this.flush();
    });
  }

  /** Writes everything counted so far; true when nothing is left pending. One flush runs at a time. */
  async flush(): Promise<boolean> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return true;
    this.flushing = this.writePending().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async writePending(): Promise<boolean> {
    const rows = this.pending.drain();
    this.requestsSinceFlush = 0;
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.writer.upsertApiRollups(manager, rows);
        // Requests of a day that already has snapshots (a flush delayed past midnight) make it stale.
        const { timezone } = await this.config.get(manager);
        await this.writer.markLateInstants(
          manager,
          [...new Set(rows.map((row) => row.minute))].map((minute) => ({
            at: new Date(minute),
            type: 'api_request' as const,
          })),
          timezone,
        );
      });
      this.flushes.inc({ outcome: 'succeeded' });
      this.rowsWritten.inc(rows.length);
      if (this.failuresInARow > 0)
        this.logger.log(`API request counts written again after ${this.failuresInARow} failed flush(es)`);
      this.failuresInARow = 0;
      return this.pending.size === 0;
    } catch (error) {
      this.pending.merge(rows);
      this.flushes.inc({ outcome: 'failed' });
      this.failuresInARow += 1;
      const lost = this.pending.dropOldest(this.settings.maxPendingRows);
      if (lost > 0) {
        this.dropped.inc(lost);
        this.logger.error(`dropped ${lost} counted API request(s) of the oldest minutes: the database is unavailable`);
      }
      if (this.failuresInARow === 1 || this.failuresInARow % 30 === 0) {
        this.logger.warn(
          `could not write ${rows.length} API rollup row(s) (attempt ${this.failuresInARow}), kept for the next flush: ${(error as Error).message}`,
        );
      }
      return false;
    }
  }

  /** Before the database goes away (TypeORM closes it in onApplicationShutdown): the last counts are written. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    for (let attempt = 1; attempt <= SHUTDOWN_ATTEMPTS; attempt += 1) {
      if (await this.flush()) return;
      await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_RETRY_MS * attempt));
    }
  }

  /** Requests answered while the HTTP server was closing: written if the database is still open, else reported. */
  async onApplicationShutdown(): Promise<void> {
    if (this.pending.size === 0) return;
    if (this.dataSource.isInitialized && (await this.flush())) return;
    this.logger.error(`${this.pending.size} API rollup row(s) could not be written before shutdown`);
  }
}
