import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { BillingStatus } from '../sources/billing-status.service.js';
import { AlertEvaluator } from '../alerts/alert-evaluator.service.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { ReadCache } from '../repositories/read-cache.service.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { addDays, calendarYearChunks, daysBetween } from '../common/calendar-dates.js';
import { MetricsSources } from '../sources/source-check.js';
import type { ActivityStateRun } from './activity-state-run.js';
import type { LifecycleStateRun, LifecycleRead } from './lifecycle-state-run.js';
import { openStateRuns } from './state-runs.js';
import { AiUsageDaysRepository } from '../repositories/ai-usage-days.repository.js';
import { BillingMovementsRepository } from '../repositories/billing-movements.repository.js';
import { KeyActionDaysRepository } from '../repositories/key-action-days.repository.js';
import { StoredDailyWork } from './stored-daily-work.js';
import { StoredDailyWorkRepository } from '../repositories/stored-daily-work.repository.js';
import { SOURCE_NAMES, SOURCE_TABLES, type SourceRelations } from '../sql/source-relations.js';
import type { StoredEvePart } from '../sql/stored-eve.sql.js';
import { SnapshotWritesRepository } from '../repositories/snapshot-writes.repository.js';
import type { FirstKeyActions, Params, StoredBucket } from '../repositories/compute-statements.js';
import { CohortComputeService } from './cohort-compute.service.js';
import { ACTIVATION_WINDOW_DAYS } from '../sql/activation-window.js';

/** A chunk's parameters: its days [d0, d1] and work range [w0, w1] beside the run's. */
type ChunkParams = Params & { d0: string; d1: string; w0: string; w1: string };

/** Thrown to roll a dry run back (an Error, not a symbol: only Errors are thrown). */
class DryRunRollback extends Error {}

import type { ComputeRequest } from '../common/run.types.js';
export type { ComputeRequest } from '../common/run.types.js';

export interface ComputeResult {
  days: number;
  durationMs: number;
}

/** A range longer than this is a long run (a backfill): its statistics refreshed first, its many cohorts hashed. */
const LONG_RUN_DAYS = 31;

/**
 * Chunks of more days than this analyse their daily work before the bucket upserts (analyseDailyWork says why); a
 * nightly chunk's few hundred rows are joined well enough unanalysed, and its wide table took ~40 ms to analyse.
 */
const ANALYZE_WORK_AFTER_DAYS = 7;

/**
 * The share of a run of several chunks that its first step (every chunk's user-days and key-action days folded at
 * once) takes, about a third of a scale-1 backfill: progress counts it as that share of the run's days.
 */
const FOLD_RUN_SHARE = 0.35;

/** Daily rows first: the weekly and monthly buckets roll up the same work table. */
const STORED_BUCKETS: readonly StoredBucket[] = ['daily', 'weekly', 'monthly'];

/**
 * Computes snapshots in set-based SQL: for each chunk of the range, one statement builds every scope's
 * daily values into a work table, and one statement per bucket type rolls them up and upserts them.
 * The whole range runs in one transaction, so a failure leaves the previous numbers intact.
 *
 * A chunk is a calendar year of the range (calendarYearChunks): the activity state keeps a row per user and year, so
 * each is folded once per run, where three-month chunks rewrote it four times; and the per-chunk work (the work
 * range's lookback, the key actions' probes, the lifecycle read) is paid once a year. A scale-1 backfill (three
 * years) went from 164 to 142 s (docs/performance.md); the price is a year's user-days in the chunk's work table
 * (temporary, on disk beyond `work_mem`), and progress reported by step within a year. A run of several chunks builds
 * and folds its user-days and key-action days once, before the first chunk (ActivityStateRun.foldRun,
 * KeyActionStateRun.foldRun).
 */
@Injectable()
export class SnapshotComputeService {
  private readonly logger = new Logger('MetricsCompute');
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: MetricsConfigService,
    private readonly cache: ReadCache,
    private readonly billing: BillingStatus,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    private readonly alerts: AlertEvaluator,
    private readonly sources: MetricsSources,
    private readonly writes: SnapshotWritesRepository,
    private readonly storedWorkRepository: StoredDailyWorkRepository,
    private readonly keyActionDays: KeyActionDaysRepository,
    private readonly billingMovements: BillingMovementsRepository,
    private readonly aiUsageDays: AiUsageDaysRepository,
    private readonly cohorts: CohortComputeService,
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
    const longRun = totalDays > LONG_RUN_DAYS;
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

    const movementTerms = { tz: base.tz, currency: base.currency, rates: base.rates };
    // The stored movements first, in their own short transaction (the ledger's writers wait on it, not on the run):
    // they depend on the ledger alone. The run's bucket upserts read them while they hold; a ledger write since marks
    // its customer stale (a chunk's upserts after it read the ledger) and its day dirty (the next run computes it again).
    if (enabled.has('billing') && !request.inspectThenRollBack) {
      await this.billingMovements.refresh(movementTerms);
    }

    const computed = this.dataSource.transaction(async (manager) => {
      await this.writes.begin(manager, base.env);
      if (longRun) await this.refreshStatistics(manager);
      const { activityState, lifecycleState, keyActionState, aiUsageDays } = await openStateRuns(
        manager,
        { writes: this.writes, keyActionDays: this.keyActionDays, aiUsageDays: this.aiUsageDays },
        this.relations,
        base.tz,
        enabled,
      );
      const chunks = calendarYearChunks(request.start, request.end);
      const keeps = base.tenant === null && !request.inspectThenRollBack;
      const storedWork = new StoredDailyWork(
        manager,
        this.storedWorkRepository,
        this.storedWorkRepository.inputs(this.relations, enabled, base),
        keeps && chunks.length === 1,
        keeps,
        this.storedWorkRepository.keepFrom(request.end),
      );
      // The 7 days before the run's first: key actions since they were computed may have activated their signups, and
      // their activation rate may have matured (activation-refresh.sql.ts).
      const refreshed = enabled.has('activation')
        ? { ...base, r0: addDays(request.start, -ACTIVATION_WINDOW_DAYS), r1: addDays(request.start, -1) }
        : undefined;
      if (refreshed) await this.writes.countActivation(manager, this.relations, refreshed);
      const foldShare = chunks.length > 1 ? FOLD_RUN_SHARE : 0;
      const progress = (days: number) =>
        request.onProgress?.(Math.floor(totalDays * foldShare + days * (1 - foldShare)), totalDays);
      let firstKeyActions: string | undefined;
      if (chunks.length > 1) {
        // Every year's user-days and key-action days at once (ActivityStateRun.foldRun, KeyActionStateRun.foldRun),
        // and each user's first key action (firstKeyActionsSql): the work ranges of the first and last chunk.
        const [[first0, first1], [last0, last1]] = [chunks[0], chunks[chunks.length - 1]];
        const { w0 } = await this.writes.workRange(manager, { ...base, d0: first0, d1: first1 });
        const { w1 } = await this.writes.workRange(manager, { ...base, d0: last0, d1: last1 });
        const run = { ...base, d0: first0, d1: last1, w0, w1 };
        if (enabled.has('activity')) await activityState.foldRun(run);
        if (enabled.has('activation')) {
          await keyActionState.foldRun(run);
          firstKeyActions = await this.writes.buildFirstKeyActions(manager, this.relations, run);
        }
        progress(0);
      }
      let done = 0;
      for (const [chunkIndex, [d0, d1]] of chunks.entries()) {
        // A year's chunk takes a while at scale: its steps report how far into its days they got, in proportion to
        // the share of a chunk's time each took in a scale-1 backfill (the key actions ~10 %, the daily work with its
        // user-days ~60 %, each bucket ~10 %).
        const chunkDays = daysBetween(d0, d1) + 1;
        const reached = (share: number) => progress(done + Math.floor(chunkDays * share));
        const { w0, w1 } = await this.writes.workRange(manager, { ...base, d0, d1 });
        const params = { ...base, d0, d1, w0, w1 } satisfies Params;
        // The key-action days first: when they hold the days before the chunk, its daily work probes the history for
        // the first key actions of their candidates only (FirstKeyActions).
        if (enabled.has('activation')) await keyActionState.fold(params);
        const keyActionsHeldFrom = enabled.has('activation') ? await keyActionState.heldFrom(params) : undefined;
        if (enabled.has('ai')) await aiUsageDays.fold(params);
        const states = {
          activityState,
          lifecycleState,
          firstKeyActions: firstKeyActionsOf(firstKeyActions, keyActionsHeldFrom),
        };
        reached(0.1);
        // The days of the work range before d0 from the store when it (and, for their distinct users, the activity
        // state) holds them exactly; otherwise, or when their scopes differ, the whole work range is built.
        const ownDaysOnly =
          (await storedWork.coversDaysBefore(params)) &&
          (!enabled.has('activity') || (await activityState.holdsDaysBefore(params)));
        let built = ownDaysOnly ? { ...params, w0: d0 } : params;
        let work = await this.buildDailyWork(manager, enabled, states, built, ownDaysOnly);
        if (ownDaysOnly && !(await storedWork.restoreDaysBefore(params))) {
          built = params;
          work = await this.buildDailyWork(manager, enabled, states, built, false);
        }
        if (refreshed && chunkIndex === 0) await this.writes.refreshActivationInWork(manager, refreshed);
        reached(0.7);
        if (chunkDays > ANALYZE_WORK_AFTER_DAYS) await this.writes.analyseDailyWork(manager);
        // NRR's movements from the stored ones when they hold (the run brought them up to date before it began; a
        // ledger write since marks its customer stale). The daily work derives MRR and its movements from the ledger
        // itself: the stored movements are each customer's own, and the revenue reconciliation (MRR at a bucket's
        // start plus its net new equals its end) finds a ledger row written under another customer than its
        // subscription's only while the work's stocks come from the whole ledger.
        const ledger =
          enabled.has('billing') && (await this.billingMovements.holds(movementTerms, manager)) ? 'stored' : 'moving';
        for (const [index, bucket] of STORED_BUCKETS.entries()) {
          await this.writes.upsertBucket(
            manager,
            this.relations,
            enabled,
            bucket,
            work.userDayCounts,
            params,
            'state',
            ledger,
          );
          if (index < STORED_BUCKETS.length - 1) reached(0.8 + 0.1 * index);
        }
        await storedWork.keep(params, built.w0);
        // Folded to where the next chunk's work range starts, so it reads its own year's lifecycle events only.
        await lifecycleState.advance(built, work.lifecycle, chunks[chunkIndex + 1]?.[0] ?? d0);
        done += chunkDays;
        progress(done);
      }
      await keyActionState.finish(base.tenant);
      if (refreshed) await this.writes.refreshActivation(manager, refreshed, keeps);
      await this.cohorts.ofRun(manager, request, base, longRun);
      if (request.inspectThenRollBack) {
        await request.inspectThenRollBack(manager);
        throw new DryRunRollback('dry run');
      }
      await this.cache.bump(manager);
    });
    const dryRun = await computed.then(
      () => false,
      (error: unknown) => {
        if (error instanceof DryRunRollback) return true;
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

  /**
   * The work table of the days [:w0, :w1] of `params`: the chunk's user-days (from the activity state where it holds
   * them, folded into it), how the lifecycle source is read, and every scope's daily values. `eveStored`: the day
   * before :w0 is stored and exact (the chunk builds its own days only), so the billing stocks and, when the state
   * holds the lookback, WAU and MAU start from it (stored-eve.sql.ts). `firstKeyActions`: where the chunk finds them
   * (firstKeyActionsOf).
   */
  private async buildDailyWork(
    manager: EntityManager,
    enabled: ReadonlySet<string>,
    {
      activityState,
      lifecycleState,
      firstKeyActions,
    }: {
      activityState: ActivityStateRun;
      lifecycleState: LifecycleStateRun;
      firstKeyActions: { reads: FirstKeyActions; heldFrom?: string };
    },
    params: ChunkParams,
    eveStored: boolean,
  ): Promise<{ userDayCounts: string | undefined; lifecycle: LifecycleRead }> {
    const activity = enabled.has('activity') ? await activityState.userDays(params, eveStored) : undefined;
    const lifecycle = await lifecycleState.read(params);
    const workParams = {
      ...params,
      ...(lifecycle.rows === 'state' ? { lifecycle_at: lifecycle.at } : {}),
      ...(firstKeyActions.heldFrom ? { key_actions_held_from: firstKeyActions.heldFrom } : {}),
    };
    const storedEve: StoredEvePart[] = [];
    if (eveStored && enabled.has('billing')) storedEve.push('billing');
    if (eveStored && enabled.has('lifecycle')) storedEve.push('lifecycle');
    if (activity?.windowsFromEve) storedEve.push('windows');
    await this.writes.buildDailyWork(manager, this.relations, enabled, workParams, {
      userDayCounts: activity?.counts,
      lifecycle: lifecycle.rows,
      storedEve,
      firstKeyActions: firstKeyActions.reads,
    });
    return { userDayCounts: activity?.counts, lifecycle };
  }

  /**
   * Fresh planner statistics for the module's own source tables before a long computation: after a bulk
   * ingest, stale estimates make PostgreSQL pick nested loops (a one-year cohort query went from 20 s to
   * 0.5 s on PGlite, which has no autovacuum to do this on its own). Only the tables whose statistics are missing or
   * out of date are analysed: a backfill over tables autovacuum (or a loader) has just analysed spent ~4 % of its time
   * analysing them again (0.65 s of 16.8 s at scale 0.1).
   */
  private async refreshStatistics(manager: EntityManager): Promise<void> {
    const own = SOURCE_NAMES.filter((source) => this.relations.isOwn(source)).map(
      (source) => SOURCE_TABLES[source].table,
    );
    const billing = ['metrics_revenue_ledger', 'metrics_billing_customer', 'metrics_billing_invoice_state'];
    await this.writes.analyzeStale(manager, [...own, ...billing]);
  }

  /** A failure caused by a host relation changed since start names the source and column (the run records it). */
  private readonly explainFailure = async (error: unknown): Promise<never> => {
    throw await this.sources.explain(error);
  };
}

/**
 * Where a chunk finds its first key actions (FirstKeyActions): the run's table of them when it built one, else its own
 * probes, of the key-action days' candidates only when those hold the days before it from `heldFrom` on.
 */
function firstKeyActionsOf(
  runTable: string | undefined,
  heldFrom: string | undefined,
): { reads: FirstKeyActions; heldFrom?: string } {
  if (runTable) return { reads: { table: runTable } };
  return heldFrom ? { reads: 'probe candidates', heldFrom } : { reads: 'probe all' };
}
