import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { addDays, monthStart } from '../common/calendar-dates.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { SnapshotsRepository } from '../repositories/snapshots.repository.js';
import { AlertsRepository } from '../repositories/alerts.repository.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { metricValues } from '../common/metric-values.js';
import { ReadCache } from '../repositories/read-cache.service.js';
import { localDate } from '../common/local-clock.js';
import type { AlertKind } from '../entities/alert.entities.js';
import type { AlertCondition } from './alert-condition.js';
import { AlertDeliveryWorker } from './alert-delivery.worker.js';
import { AlertLifecycleService, type LifecycleOutcome } from './alert-lifecycle.service.js';
import { resolveAlertsSettings, type ResolvedAlertsSettings } from './alerts.options.js';
import { detectAnomalies } from './anomaly-detector.js';
import { SnapshotAnomaliesRepository } from '../repositories/snapshot-anomalies.repository.js';
import { reconcile } from '../billing/revenue-reconciliation.js';
import { reconciliationConditions } from './reconciliation-alerts.js';
import { builtInRules, evaluateThresholds, ruleFromEntity, type ThresholdRule } from './threshold-alerts.js';

export interface EvaluationRequest {
  start: string;
  end: string;
  tenant?: string | null;
  asOf?: Date;
}

export interface EvaluationResult extends LifecycleOutcome {
  /** The latest snapshot evaluated per bucket type (absent: that bucket was not at the head of the range). */
  evaluated: Partial<Record<BucketType, string>>;
  anomalies: boolean;
}

/** The first day of the bucket that holds `day` (weeks start on Monday, as date_trunc('week') does). */
function bucketStart(day: string, bucket: BucketType): string {
  if (bucket === 'daily') return day;
  if (bucket === 'monthly') return monthStart(day);
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/**
 * Evaluates alerts after each computation, on the latest snapshots (global and per tenant): the thresholds of
 * the configuration and of admins' rules, and anomalies against each metric's own history.
 *
 * It runs after the computation's transaction has committed, queued one evaluation at a time, and never lets
 * a failure reach the computation (it is logged). A computation of an old range that is not at the head of
 * the data changes no alert: alerts describe the latest numbers.
 */
@Injectable()
export class AlertEvaluator implements BeforeApplicationShutdown {
  private readonly logger = new Logger('MetricsAlerts');
  private readonly settings: ResolvedAlertsSettings;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: MetricsConfigService,
    private readonly lifecycle: AlertLifecycleService,
    private readonly worker: AlertDeliveryWorker,
    private readonly cache: ReadCache,
    private readonly snapshots: SnapshotsRepository,
    private readonly history: AlertsRepository,
    private readonly anomalies: SnapshotAnomaliesRepository,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {
    this.settings = resolveAlertsSettings(options.alerts);
  }

  /** Called by the compute once its transaction has committed; returns at once. */
  afterCompute(request: EvaluationRequest): void {
    if (!this.settings.enabled) return;
    this.queue = this.queue
      .then(() => this.evaluate(request))
      .catch((error: unknown) =>
        this.logger.error(`alert evaluation failed: ${error instanceof Error ? error.message : String(error)}`),
      );
  }

  /** Resolves when every evaluation queued so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    let current: Promise<unknown>;
    do {
      current = this.queue;
      await current;
    } while (current !== this.queue);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /** Evaluates now (also what afterCompute queues). */
  async evaluate(request: EvaluationRequest): Promise<EvaluationResult> {
    const config = await this.config.get();
    const custom = await this.history.enabledRules();
    const rules: ThresholdRule[] = [...builtInRules(config), ...custom.map(ruleFromEntity)];
    const tenant = request.tenant ?? null;
    const today = localDate(request.asOf ?? new Date(), config.timezone);

    const result = await this.dataSource.transaction(async (manager) => {
      await this.history.lock(manager);
      const evaluated = await this.heads(manager, request, tenant);
      const buckets = Object.keys(evaluated) as BucketType[];
      const conditions: AlertCondition[] = [];
      for (const row of await this.snapshotsAt(manager, evaluated, tenant)) {
        conditions.push(
          ...evaluateThresholds(metricValues(row), rules, {
            bucket_type: row.bucket_type as BucketType,
            bucket_date: row.day as string,
            tenant: (row.tenant_id as string | null) ?? null,
          }),
        );
      }
      // A day still in progress is not compared with whole days.
      const anomalies = this.settings.anomaly.enabled && evaluated.daily !== undefined && evaluated.daily < today;
      if (anomalies) {
        const day = evaluated.daily!;
        conditions.push(
          ...(await detectAnomalies(
            this.anomalies,
            manager,
            { environment: this.options.environment, tenant, start: day, end: day },
            this.settings.anomaly,
          )),
        );
      }
      const kinds: AlertKind[] = anomalies ? ['threshold', 'anomaly'] : ['threshold'];
      const outcome = await this.lifecycle.apply(
        manager,
        { environment: this.options.environment, tenant, buckets, kinds },
        conditions,
      );
      // Revenue reconciliation over the whole computed range, every bucket type (metrics.md: a difference is a bug).
      const report = await reconcile(this.snapshots, { start: request.start, end: request.end, tenant }, manager);
      const reconciled = await this.lifecycle.apply(
        manager,
        {
          environment: this.options.environment,
          tenant,
          buckets: ['daily', 'weekly', 'monthly'],
          kinds: ['reconciliation'],
        },
        reconciliationConditions(report),
      );
      for (const key of ['opened', 'escalated', 'updated', 'resolved'] as const) outcome[key].push(...reconciled[key]);
      // GET summary shows the stored alerts' ids and statuses: cached answers must go when they change.
      if (outcome.opened.length + outcome.escalated.length + outcome.resolved.length > 0)
        await this.cache.bump(manager);
      return { ...outcome, evaluated, anomalies };
    });
    if (result.opened.length + result.escalated.length + result.resolved.length > 0) {
      this.logger.log(
        `alerts: ${result.opened.length} opened, ${result.escalated.length} escalated, ${result.resolved.length} resolved`,
      );
      this.worker.kick();
    }
    return result;
  }

  /** Per bucket type, the latest snapshot date if the computed range reached it. */
  private async heads(
    manager: EntityManager,
    request: EvaluationRequest,
    tenant: string | null,
  ): Promise<Partial<Record<BucketType, string>>> {
    const heads: Partial<Record<BucketType, string>> = {};
    for (const { bucket_type, head } of await this.snapshots.heads(manager, tenant)) {
      if (head >= bucketStart(request.start, bucket_type) && head <= request.end) heads[bucket_type] = head;
    }
    return heads;
  }

  private async snapshotsAt(
    manager: EntityManager,
    heads: Partial<Record<BucketType, string>>,
    tenant: string | null,
  ): Promise<Record<string, unknown>[]> {
    const entries = Object.entries(heads);
    if (entries.length === 0) return [];
    return this.snapshots.at(
      manager,
      tenant,
      entries.map(([type]) => type),
      entries.map(([, date]) => date),
    );
  }
}
