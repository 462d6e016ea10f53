import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { ReadCache } from '../repositories/read-cache.service.js';
import { SnapshotWritesRepository } from '../repositories/snapshot-writes.repository.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { addDays, addMonths, monthStart } from '../common/calendar-dates.js';
import { MetricsSources } from '../sources/source-check.js';
import { COHORT_CURVE_WEEKS } from '../sql/cohorts.sql.js';

/** The signup cohorts' retention rows: those a run's days can change, and whole months asked for by name. */
@Injectable()
export class CohortComputeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: MetricsConfigService,
    private readonly cache: ReadCache,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    private readonly sources: MetricsSources,
    private readonly writes: SnapshotWritesRepository,
  ) {}

  /**
   * Within a run's transaction, after its days: cohorts whose 26-week curve overlaps the range [start, end] are
   * recomputed. The months from the range's first whole month on are a statement of their own: the run has just folded
   * their days into the activity state, so they can read it while the earlier months (their curves start before the
   * range) read raw activity. Each month's cohort is computed from its own members alone, so the split changes no
   * value; each part checks the state holds its days. Of those months, each statement rewrites only the ones whose
   * stored rows a recompute could change (the run's days [start, end] are the days it has just recomputed;
   * docs/performance.md, reader 3). `many`: a long run's (upsertCohorts).
   */
  async ofRun(
    manager: EntityManager,
    { start, end }: { start: string; end: string },
    base: Record<string, unknown>,
    many: boolean,
  ): Promise<void> {
    const c0 = monthStart(addDays(start, -7 * (COHORT_CURVE_WEEKS + 1) - 31));
    const c1 = monthStart(end);
    const run = { ...base, changed_from: start, changed_to: end, force: false };
    const folded = start === monthStart(start) ? start : addMonths(monthStart(start), 1);
    if (folded > c0 && folded <= c1) {
      await this.writes.upsertCohorts(manager, this.sources.relations, { ...run, c0, c1: addMonths(folded, -1) }, many);
      await this.writes.upsertCohorts(manager, this.sources.relations, { ...run, c0: folded, c1 }, many);
      return;
    }
    await this.writes.upsertCohorts(manager, this.sources.relations, { ...run, c0, c1 }, many);
  }

  /** The cohorts of the months [first, last] (each YYYY-MM-01), global and per tenant, in one transaction. */
  async months(first: string, last: string, asOf = new Date()): Promise<void> {
    const config = await this.config.get();
    const params = {
      tz: config.timezone,
      tenant: null,
      as_of: asOf.toISOString(),
      env: this.options.environment,
      c0: first,
      c1: last,
      // Asked for by name (the monthly schedule, the API): every month of them is recomputed.
      changed_from: null,
      changed_to: null,
      force: true,
    };
    await this.dataSource
      .transaction(async (manager) => {
        await this.writes.settings(manager);
        await this.writes.upsertCohorts(manager, this.sources.relations, params, true);
        await this.cache.bump(manager);
      })
      .catch(async (error: unknown) => {
        // A host relation changed since start: the failure names the source and column.
        throw await this.sources.explain(error);
      });
  }
}
