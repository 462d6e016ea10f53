import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { BillingStatus } from '../sources/billing-status.service.js';
import { AlertEvaluator } from '../alerts/alert-evaluator.service.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { ReadCache } from '../repositories/read-cache.service.js';
import { compileSql } from '../database/named-sql.js';
import { COMPUTE_WORK_MEM, NO_JIT } from '../database/session-settings.js';
import { METRICS_OPTIONS } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { addDays, daysBetween, monthAlignedChunks, monthStart } from '../common/calendar-dates.js';
import { bucketFactsSql } from '../sql/bucket-facts.sql.js';
import { cohortsUpsertSql, COHORT_CURVE_WEEKS } from '../sql/cohorts.sql.js';
import { dailyWorkSql } from '../sql/daily-work.sql.js';
import { BUCKET_DATE, rollupSql, type RollupBucket } from '../sql/rollup.sql.js';
import { snapshotUpsertSql } from '../sql/snapshot-upsert.sql.js';
import { MetricsSources } from '../sources/source-check.js';
import { SOURCE_NAMES, SOURCE_TABLES, type SourceRelations } from '../sql/source-relations.js';
import { userDaysSql } from '../sql/source-facts.js';

export interface ComputeRequest {
  /** First and last local day (YYYY-MM-DD), both included. */
  start: string;
  end: string;
  /** One tenant only; absent or null: the global view and every tenant. */
  tenant?: string | null;
  /** "Now", for maturity rules; tests pin it. */
  asOf?: Date;
  onProgress?: (done: number, total: number) => void;
  /**
   * A dry run (verify): called inside the computation's transaction once every row is written, then the
   * transaction is rolled back and no alert is evaluated; the stored snapshots stay as they were.
   */
  inspectThenRollBack?: (manager: EntityManager) => Promise<void>;
}

/** Thrown to roll a dry run back. */
const DRY_RUN = Symbol('dry run');

export interface ComputeResult {
  days: number;
  durationMs: number;
}

/** Ranges longer than this refresh the planner's statistics first (a backfill, not the nightly day). */
const ANALYZE_AFTER_DAYS = 31;

/** Months per chunk of a long backfill: bounds the work table and gives progress to report. */
const CHUNK_MONTHS = 3;

/** The work range: the requested days widened to the whole weeks and months they touch, up to today. */
const WORK_RANGE_SQL = `SELECT
    least(date_trunc('week', :d0::date)::date, date_trunc('month', :d0::date)::date)::text AS w0,
    greatest(:d1::date, least(
      greatest(date_trunc('week', :d1::date)::date + 6, (date_trunc('month', :d1::date) + interval '1 month')::date - 1),
      (:as_of::timestamptz AT TIME ZONE :tz)::date))::text AS w1`;

/**
 * The last day that counts in a bucket's averages: the last day asked for, or yesterday when the work range runs
 * on into today (today is to date: its DAU so far is not a day's DAU, metrics.md).
 */
const AVERAGES_THROUGH = `greatest(:d1::date, (:as_of::timestamptz AT TIME ZONE :tz)::date - 1)`;

/**
 * Computes snapshots in set-based SQL: for each chunk of the range, one statement builds every scope's
 * daily values into a work table, and one statement per bucket type rolls them up and upserts them.
 * The whole range runs in one transaction, so a failure leaves the previous numbers intact.
 */
@Injectable()
export class SnapshotComputeService {
  private readonly logger = new Logger('MetricsCompute');
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: MetricsConfigService,
    private readonly cache: ReadCache,
    private readonly billing: BillingStatus,
    @Inject(METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
    private readonly alerts: AlertEvaluator,
    private readonly sources: MetricsSources,
  ) {}

  /** Checked at start: a host relation's columns are read through casts chosen from its types. */
  private get relations(): SourceRelations {
    return this.sources.relations;
  }

  async computeRange(request: ComputeRequest): Promise<ComputeResult> {
    const started = Date.now();
    const config = await this.config.get();
    const enabled = MetricsConfigService.enabledSources(config, await this.billing.connected());
    const totalDays = daysBetween(request.start, request.end) + 1;
    const base = {
      tz: config.timezone,
      tenant: request.tenant ?? null,
      actions: config.activation_actions,
      as_of: (request.asOf ?? new Date()).toISOString(),
      env: this.options.environment,
      monthly_burn_rate: config.monthly_burn_rate,
      cash_balance: config.cash_balance,
      runway_months: MetricsConfigService.runwayMonths(config),
      currency: config.currency,
      rates: JSON.stringify(config.currency_rates ?? {}),
      quick_reactivation: config.quick_ratio_includes_reactivation ?? true,
      outstanding_invoices_count: config.outstanding_invoices_count,
      outstanding_invoices_value: config.outstanding_invoices_value,
    };

    const computed = this.dataSource.transaction(async (manager) => {
      const run = (sql: string, params: Record<string, unknown>) => {
        const compiled = compileSql(sql, params);
        return manager.query(compiled.text, compiled.values) as Promise<Record<string, string>[]>;
      };
      await manager.query(NO_JIT);
      await manager.query(COMPUTE_WORK_MEM);
      // Computations take turns across instances: overlapping upserts in parallel could deadlock.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('exec-metrics:compute:' || $1::text))`, [base.env]);
      if (totalDays > ANALYZE_AFTER_DAYS) await this.refreshStatistics(manager);
      let done = 0;
      for (const [d0, d1] of monthAlignedChunks(request.start, request.end, CHUNK_MONTHS)) {
        const [{ w0, w1 }] = await run(WORK_RANGE_SQL, { ...base, d0, d1 });
        const params = { ...base, d0, d1, w0, w1 };
        const userDays = await this.materialiseUserDays(run, enabled, params);
        await run('DROP TABLE IF EXISTS metrics_work', {});
        await run(
          `CREATE TEMP TABLE metrics_work ON COMMIT DROP AS ${dailyWorkSql(this.relations, enabled, userDays)}`,
          params,
        );
        await this.upsertBucket(run, enabled, 'daily', params, userDays, 'day BETWEEN :d0::date AND :d1::date');
        await this.upsertBucket(run, enabled, 'weekly', params, userDays);
        await this.upsertBucket(run, enabled, 'monthly', params, userDays);
        done += daysBetween(d0, d1) + 1;
        request.onProgress?.(done, totalDays);
      }
      await this.computeCohorts(manager, request, base);
      if (request.inspectThenRollBack) {
        await request.inspectThenRollBack(manager);
        throw DRY_RUN;
      }
      await this.cache.bump(manager);
    });
    const dryRun = await computed.then(
      () => false,
      (error: unknown) => {
        if (error === DRY_RUN) return true;
        return this.explainFailure(error);
      },
    );
    if (dryRun) return { days: totalDays, durationMs: Date.now() - started };

    // Alerts look at the committed snapshots, queued in the background: they never fail or delay a computation.
    this.alerts.afterCompute({ start: request.start, end: request.end, tenant: request.tenant, asOf: request.asOf });
    const durationMs = Date.now() - started;
    this.logger.log(
      `computed ${request.start}..${request.end} ${request.tenant ? `tenant ${request.tenant}` : 'all tenants'} in ${durationMs} ms`,
    );
    return { days: totalDays, durationMs };
  }

  private async upsertBucket(
    run: (sql: string, params: Record<string, unknown>) => Promise<unknown>,
    enabled: ReadonlySet<string>,
    bucket: Exclude<RollupBucket, 'range'>,
    params: Record<string, unknown>,
    userDays: string | undefined,
    dayFilter = 'true',
  ): Promise<void> {
    const bucketOf = BUCKET_DATE[bucket];
    const rows = rollupSql(
      `SELECT * FROM metrics_work WHERE ${dayFilter}`,
      bucketFactsSql(this.relations, enabled, bucketOf, userDays),
      bucket,
      enabled,
      AVERAGES_THROUGH,
    );
    // Only buckets that lie wholly inside the work range are written (the work range covers every bucket touching [d0, d1]).
    const where = `bucket_date BETWEEN ${bucketOf(':d0::date')} AND ${bucketOf(':d1::date')}`;
    await run(snapshotUpsertSql(rows, where), { ...params, bucket_type: bucket });
  }

  /**
   * The chunk's user-days, built once: the daily work and the three buckets' distinct counts all read them,
   * instead of each aggregating the activity source again (a third of a backfill, measured with `npm run bench`).
   */
  private async materialiseUserDays(
    run: (sql: string, params: Record<string, unknown>) => Promise<unknown>,
    enabled: ReadonlySet<string>,
    params: Record<string, unknown>,
  ): Promise<string | undefined> {
    if (!enabled.has('activity')) return undefined;
    await run('DROP TABLE IF EXISTS metrics_user_days', {});
    await run(`CREATE TEMP TABLE metrics_user_days ON COMMIT DROP AS ${userDaysSql(this.relations)}`, params);
    // A temporary table has no statistics until analysed; the planner needs its size to choose hash joins.
    await run('ANALYZE metrics_user_days', {});
    return 'metrics_user_days';
  }

  /** Cohorts whose 26-week curve overlaps the range are recomputed. */
  private async computeCohorts(
    manager: EntityManager,
    request: ComputeRequest,
    base: Record<string, unknown>,
  ): Promise<void> {
    const c0 = monthStart(addDays(request.start, -7 * (COHORT_CURVE_WEEKS + 1) - 31));
    const compiled = compileSql(cohortsUpsertSql(this.relations), { ...base, c0, c1: monthStart(request.end) });
    await manager.query(compiled.text, compiled.values);
  }

  /**
   * Fresh planner statistics for the module's own source tables before a long computation: after a bulk
   * ingest, stale estimates make PostgreSQL pick nested loops (a one-year cohort query went from 20 s to
   * 0.5 s on PGlite, which has no autovacuum to do this on its own).
   */
  private async refreshStatistics(manager: EntityManager): Promise<void> {
    const own = SOURCE_NAMES.filter((source) => this.relations.isOwn(source)).map(
      (source) => SOURCE_TABLES[source].table,
    );
    const billing = ['metrics_revenue_ledger', 'metrics_billing_customer', 'metrics_billing_invoice_state'];
    await manager.query(`ANALYZE ${[...own, ...billing].join(', ')}`);
  }

  /** The cohorts of the months [first, last] (each YYYY-MM-01), global and per tenant, in one transaction. */
  async computeCohortMonths(first: string, last: string, asOf = new Date()): Promise<void> {
    const config = await this.config.get();
    const params = {
      tz: config.timezone,
      tenant: null,
      as_of: asOf.toISOString(),
      env: this.options.environment,
      c0: first,
      c1: last,
    };
    await this.dataSource
      .transaction(async (manager) => {
        await manager.query(NO_JIT);
        await manager.query(COMPUTE_WORK_MEM);
        const compiled = compileSql(cohortsUpsertSql(this.relations), params);
        await manager.query(compiled.text, compiled.values);
        await this.cache.bump(manager);
      })
      .catch(this.explainFailure);
  }

  /** A failure caused by a host relation changed since start names the source and column (the run records it). */
  private readonly explainFailure = async (error: unknown): Promise<never> => {
    throw await this.sources.explain(error);
  };
}
