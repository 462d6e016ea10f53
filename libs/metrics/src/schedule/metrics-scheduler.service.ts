import { inCliMode } from '../cli/cli-mode.js';
import { Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { CronJob } from 'cron';
import { DataSource } from 'typeorm';
import { addDays, addMonths, monthStart } from '../common/calendar-dates.js';
import { MetricsRunsService, type RunView } from '../compute/runs.service.js';
import { SnapshotComputeService } from '../compute/snapshot-compute.service.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runs: MetricsRunsService,
    private readonly compute: SnapshotComputeService,
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
   * Yesterday (in the reporting timezone) for the global view and every tenant, then the catch-up. One
   * instance at a time does the scheduled work; the others skip a tick that one of them is handling.
   */
  async runDaily(now = new Date()): Promise<RunView[]> {
    return (await this.locker.withLease(SCHEDULE_LEASE, LEASE_MS, () => this.daily(now))) ?? [];
  }

  private async daily(now: Date): Promise<RunView[]> {
    const { timezone } = await this.config.get();
    const yesterday = addDays(localDate(now, timezone), -1);
    const results: RunView[] = [];
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
    await this.compute.computeCohortMonths(lastMonth, lastMonth);
    return true;
  }

  /**
   * Computes the days before today that have no snapshot (the app was down at 01:00) and the past days whose
   * events arrived late, as a few runs of consecutive days.
   */
  async catchUp(now = new Date()): Promise<RunView[]> {
    return (await this.locker.withLease(SCHEDULE_LEASE, LEASE_MS, () => this.catchingUp(now))) ?? [];
  }

  private async catchingUp(now: Date): Promise<RunView[]> {
    await this.runs.recoverInterrupted();
    const { timezone } = await this.config.get();
    const yesterday = addDays(localDate(now, timezone), -1);
    const rows = await this.dataSource.query<{ day: string }[]>(
      `WITH bounds AS (
         SELECT CASE WHEN min(occurred_at) IS NOT NULL
                     THEN greatest((min(occurred_at) AT TIME ZONE $1)::date, $2::date - $3::int) END AS first_day
         FROM ${this.sources.relations.from('lifecycle')})
       SELECT d::date::text AS day FROM bounds, generate_series(bounds.first_day, $2::date, interval '1 day') AS d
       WHERE NOT EXISTS (
         SELECT 1 FROM system_metrics_snapshot s
         WHERE s.environment = $4 AND s.bucket_type = 'daily' AND s.tenant_id IS NULL AND s.bucket_date = d::date)
       UNION
       SELECT day::text FROM metrics_dirty_day WHERE day <= $2::date
       ORDER BY 1`,
      [timezone, yesterday, this.options.maxRangeDays.daily - 1, this.options.environment],
    );
    const results: RunView[] = [];
    for (const [start, end] of contiguousRanges(
      rows.map((row) => row.day),
      (day) => addDays(day, 1),
    )) {
      if (!(await this.claim('catch_up', `${start}..${end}@${now.toISOString().slice(0, 13)}`))) continue;
      const claimedAt = new Date();
      const run = await this.runs.runNow({ start, end, trigger: 'catch_up', requestedBy: 'schedule' });
      if (run.status === 'succeeded') {
        await this.dataSource.query('DELETE FROM metrics_dirty_day WHERE day BETWEEN $1 AND $2 AND marked_at <= $3', [
          start,
          end,
          claimedAt,
        ]);
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
  private async claim(job: string, tick: string): Promise<boolean> {
    const claimed = await this.dataSource.query<unknown[]>(
      `INSERT INTO metrics_schedule_tick (environment, job, tick) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING tick`,
      [this.options.environment, job, tick],
    );
    return claimed.length === 1;
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
