import { inCliMode } from '../cli/cli-mode.js';
import { Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { addDays, addMonths, monthStart } from '../common/calendar-dates.js';
import { MetricsRunsService, type RunView } from '../compute/runs.service.js';
import { CohortComputeService } from '../compute/cohort-compute.service.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { DirtyDaysRepository } from '../repositories/dirty-days.repository.js';
import { ScheduleRepository } from '../repositories/schedule.repository.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions, SourceName } from '../metrics.options.js';
import { MetricsSources } from '../sources/source-check.js';
import { AuditPartitionsService } from '../security/audit-partitions.service.js';
import { contiguousRanges, localDate } from '../common/local-clock.js';
import { PgLeaseLocker } from './pg-lease-locker.js';

const SCHEDULE_LEASE = 'exec-metrics:schedule';
/** Renewed every third of it while the work goes on; a crashed holder's lease lapses after this. */
const LEASE_MS = 120_000;
/** Daily, so a month's partition exists months before its first record (the job is idempotent and takes ms). */
const AUDIT_PARTITIONS_CRON = '30 0 * * *';

/**
 * The nightly compute (yesterday, 01:00) and the monthly cohorts (02:00 on the 1st), in the reporting
 * timezone. On a cluster every instance ticks, but each tick is claimed by one instance through a unique
 * row, so it computes once. Each tick (and each start) also catches up: days never computed, and past days
 * whose events arrived late. Daily, the audit trail's monthly partitions are ensured ahead (AuditPartitionsService).
 * A host that drives its own scheduling calls runDaily, runMonthlyCohorts, catchUp (and AuditPartitionsService.ensure).
 */
@Injectable()
export class MetricsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MetricsScheduler');
  private readonly jobs: CronJob[] = [];

  constructor(
    private readonly schedule: ScheduleRepository,
    private readonly dirtyDays: DirtyDaysRepository,
    private readonly runs: MetricsRunsService,
    private readonly cohorts: CohortComputeService,
    private readonly config: MetricsConfigService,
    private readonly locker: PgLeaseLocker,
    private readonly sources: MetricsSources,
    private readonly auditPartitions: AuditPartitionsService,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The command line (runMetricsCli) does only the work it names: no cron, no catch-up.
    if (inCliMode()) return;
    // Before the first request: this month's audit partition and the next ones (a write never fails without
    // them, it lands in DEFAULT; a failure here is logged and the daily job tries again).
    await this.auditPartitions
      .ensure()
      .catch((error: unknown) => this.logger.error(`audit partitions: ${String(error)}`));
    if (this.options.schedule?.enabled === false) return;
    const { timezone } = await this.config.get();
    const schedule = this.options.schedule ?? {};
    this.addJob('exec-metrics-daily', schedule.daily ?? '0 1 * * *', timezone, () => this.runDaily());
    this.addJob('exec-metrics-cohorts', schedule.cohorts ?? '0 2 1 * *', timezone, () => this.runMonthlyCohorts());
    // Every instance runs it: the partition manager's advisory lock makes the others find the work done.
    this.addJob('exec-metrics-audit-partitions', AUDIT_PARTITIONS_CRON, 'UTC', () => this.auditPartitions.ensure());
    // Catch up in the background: the app serves while the missing days are computed.
    setImmediate(
      () => void this.catchUp().catch((error: unknown) => this.logger.error(`catch-up failed: ${String(error)}`)),
    );
  }

  onApplicationShutdown(): void {
    for (const job of this.jobs) void job.stop();
  }

  /**
   * The catch-up of the days before yesterday, then yesterday (in the reporting timezone) for the global view and
   * every tenant, then the catch-up of anything left (yesterday, when its run failed). One instance at a time does
   * the scheduled work; the others skip a tick that one of them is handling.
   *
   * The days before yesterday come first because yesterday's run takes its eve (running totals, WAU and MAU) from
   * the stored day before it: a day marked by late data, or never computed (an outage), cannot give it, and the run
   * then computed its whole week or month, before the catch-up computed the marked days again (at scale 1, a late
   * signup of the day before: ~12 s for the run and ~5 s for the catch-up, where the catch-up first and the run after
   * take ~4 s each).
   */
  async runDaily(now = new Date()): Promise<RunView[]> {
    return (await this.locker.withLease(SCHEDULE_LEASE, LEASE_MS, () => this.daily(now))) ?? [];
  }

  private async daily(now: Date): Promise<RunView[]> {
    const { timezone } = await this.config.get();
    const yesterday = addDays(localDate(now, timezone), -1);
    // Before yesterday is computed: a host row for yesterday is read by its run, never marked as late.
    await this.markLateSourceRows(timezone);
    const results = await this.catchingUp(now, addDays(yesterday, -1));
    if (await this.claim('daily', yesterday)) {
      results.push(
        await this.runs.runNow({ start: yesterday, end: yesterday, trigger: 'cron', requestedBy: 'schedule' }),
      );
    }
    results.push(...(await this.catchingUp(now)));
    return results;
  }

  /** Last month's cohorts (in the reporting timezone). */
  async runMonthlyCohorts(now = new Date()): Promise<boolean> {
    const { timezone } = await this.config.get();
    const lastMonth = addMonths(monthStart(localDate(now, timezone)), -1);
    if (!(await this.claim('cohorts', lastMonth))) return false;
    await this.cohorts.months(lastMonth, lastMonth);
    return true;
  }

  /**
   * Computes the days before today that have no snapshot (the app was down at 01:00) and the past days whose
   * events arrived late, as a few runs of consecutive days.
   */
  async catchUp(now = new Date()): Promise<RunView[]> {
    const work = async () => {
      await this.markLateSourceRows((await this.config.get()).timezone);
      return this.catchingUp(now);
    };
    return (await this.locker.withLease(SCHEDULE_LEASE, LEASE_MS, work)) ?? [];
  }

  /**
   * Host `sources` relations have no ingest hook: rows that arrived since the last check above its watermark, for
   * days already computed, mark those days for the catch-up (DirtyDaysRepository.markLateSourceRows).
   */
  private async markLateSourceRows(timezone: string): Promise<void> {
    for (const [source, relation] of Object.entries(this.options.sources) as [SourceName, string | undefined][]) {
      if (!relation?.trim()) continue;
      // A relation that cannot be read fails the runs that read it, with the reason: here it only skips the check.
      const marked = await this.dirtyDays
        .markLateSourceRows(this.sources.relations, source, relation, timezone)
        .catch((error: unknown) => {
          this.logger.error(`sources.${source}: late rows not checked: ${String(error)}`);
          return 0;
        });
      if (marked > 0) this.logger.log(`late rows in sources.${source}: ${marked} computed day(s) to recompute`);
    }
  }

  /** The days up to `through` (default yesterday) never computed or marked, as a few runs of consecutive days. */
  private async catchingUp(now: Date, through?: string): Promise<RunView[]> {
    await this.runs.recoverInterrupted();
    const { timezone } = await this.config.get();
    const yesterday = addDays(localDate(now, timezone), -1);
    const days = await this.dirtyDays.toCatchUp(this.sources.relations, {
      env: this.options.environment,
      tz: timezone,
      yesterday: through ?? yesterday,
      // At most one daily range back: what a single backfill could compute.
      lookBackDays: this.options.maxRangeDays.daily - 1,
    });
    const results: RunView[] = [];
    for (const [start, end] of contiguousRanges(days, (day) => addDays(day, 1))) {
      if (!(await this.claim('catch_up', `${start}..${end}@${now.toISOString().slice(0, 13)}`))) continue;
      const claimedAt = new Date();
      const run = await this.runs.runNow({ start, end, trigger: 'catch_up', requestedBy: 'schedule' });
      if (run.status === 'succeeded') {
        await this.dirtyDays.clear(start, end, claimedAt);
      }
      results.push(run);
    }
    // A failed run is reported as one, with its error: never counted as caught up.
    const failed = results.filter((run) => run.status !== 'succeeded');
    for (const run of failed) {
      this.logger.error(`catch-up of ${run.start}..${run.end} ${run.status}: ${run.error ?? 'no error recorded'}`);
    }
    const succeeded = results.length - failed.length;
    if (succeeded > 0) this.logger.log(`caught up ${succeeded} range(s) of days`);
    return results;
  }

  /** True for the one instance that claims this tick first. */
  private claim(job: string, tick: string): Promise<boolean> {
    return this.schedule.claimTick(this.options.environment, job, tick);
  }

  private addJob(name: string, expression: string, timeZone: string, tick: () => Promise<unknown>): void {
    const job = CronJob.from({
      cronTime: expression,
      timeZone,
      start: true,
      onTick: () => void tick().catch((error: unknown) => this.logger.error(`${name} failed: ${String(error)}`)),
    });
    this.jobs.push(job);
    if (this.registry && !this.registry.doesExist('cron', name)) this.registry.addCronJob(name, job);
  }
}
