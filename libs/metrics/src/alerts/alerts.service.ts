import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { MetricsConfigEntity } from '../entities/config.entity.js';
import { METRICS_OPTIONS } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import type { MetricValues } from '../common/metric-values.js';
import { compileSql } from '../database/named-sql.js';
import { MetricsAlertRule } from '../entities/alert.entities.js';
import type { SnapshotScope } from './alert-condition.js';
import type { AlertsQueryDto, DeliveriesQueryDto } from './alert-rule.dto.js';
import { alertView, type AlertView } from './alert-view.js';
import {
  builtInRules,
  evaluateThresholds,
  ruleFromEntity,
  toSummaryAlert,
  type ThresholdAlert,
} from './threshold-alerts.js';

export interface AlertPage {
  alerts: AlertView[];
  total: number;
  limit: number;
  offset: number;
}

export interface DeliveryView {
  id: string;
  alert_id: string;
  channel_id: string | null;
  channel_name: string;
  event: string;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** A summary alert with what the alert history knows of it (absent when it was never stored). */
export type SummaryAlert = ThresholdAlert & Partial<Pick<AlertView, 'id' | 'kind' | 'status' | 'expected'>>;

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

/** Reads and acknowledgements of the alert history and its delivery log. */
@Injectable()
export class AlertsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
  ) {}

  async list(query: AlertsQueryDto): Promise<AlertPage> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const where = `environment = :env
      AND (:status::varchar IS NULL OR status = :status::varchar OR (:status::varchar = 'active' AND status <> 'resolved'))
      AND (:tenant::varchar IS NULL OR tenant_id = :tenant::varchar)
      AND (:severity::varchar IS NULL OR severity = :severity::varchar)
      AND (:kind::varchar IS NULL OR kind = :kind::varchar)`;
    const params = {
      env: this.options.environment,
      status: query.status ?? null,
      tenant: query.tenant ?? null,
      severity: query.severity ?? null,
      kind: query.kind ?? null,
      limit,
      offset,
    };
    const rows = compileSql(
      `SELECT * FROM metrics_alert WHERE ${where} ORDER BY last_seen DESC, id DESC LIMIT :limit OFFSET :offset`,
      params,
    );
    const count = compileSql(`SELECT count(*)::int AS total FROM metrics_alert WHERE ${where}`, params);
    const alerts = (await this.dataSource.query(rows.text, rows.values)) as Record<string, unknown>[];
    const [{ total }] = (await this.dataSource.query(count.text, count.values)) as { total: number }[];
    return { alerts: alerts.map(alertView), total, limit, offset };
  }

  /** An admin has seen it: it stays listed (and can still escalate or resolve) but is marked acknowledged. */
  async acknowledge(id: string, by: string, manager: EntityManager): Promise<AlertView> {
    const [row] = (await manager.query(`SELECT * FROM metrics_alert WHERE id = $1 AND environment = $2 FOR UPDATE`, [
      id,
      this.options.environment,
    ])) as Record<string, unknown>[];
    if (!row) throw new NotFoundException(`No alert with id ${id}`);
    if (row.status === 'resolved') throw new ConflictException(`Alert ${id} is already resolved`);
    if (row.status === 'acknowledged') return alertView(row);
    const [rows] = (await manager.query(
      `UPDATE metrics_alert SET status = 'acknowledged', acknowledged_by = $2, acknowledged_at = now()
       WHERE id = $1 RETURNING *`,
      [id, by],
    )) as [Record<string, unknown>[], number];
    return alertView(rows[0]);
  }

  async deliveries(
    query: DeliveriesQueryDto,
  ): Promise<{ deliveries: DeliveryView[]; total: number; limit: number; offset: number }> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const where = `a.environment = :env
      AND (:status::varchar IS NULL OR d.status = :status::varchar)
      AND (:alert_id::bigint IS NULL OR d.alert_id = :alert_id::bigint)`;
    const params = {
      env: this.options.environment,
      status: query.status ?? null,
      alert_id: query.alert_id ?? null,
      limit,
      offset,
    };
    const from = `FROM metrics_alert_delivery d JOIN metrics_alert a ON a.id = d.alert_id WHERE ${where}`;
    const rows = compileSql(
      `SELECT d.id, d.alert_id, d.channel_id, d.channel_name, d.event, d.status, d.attempts, d.last_error,
              d.next_attempt_at, d.created_at, d.delivered_at
       ${from} ORDER BY d.id DESC LIMIT :limit OFFSET :offset`,
      params,
    );
    const count = compileSql(`SELECT count(*)::int AS total ${from}`, params);
    const found = (await this.dataSource.query(rows.text, rows.values)) as Record<string, unknown>[];
    const [{ total }] = (await this.dataSource.query(count.text, count.values)) as { total: number }[];
    return {
      deliveries: found.map((row) => ({
        id: String(row.id as string),
        alert_id: String(row.alert_id as string),
        channel_id: (row.channel_id as string | null) ?? null,
        channel_name: row.channel_name as string,
        event: row.event as string,
        status: row.status as string,
        attempts: Number(row.attempts),
        last_error: (row.last_error as string | null) ?? null,
        next_attempt_at: row.status === 'pending' || row.status === 'sending' ? iso(row.next_attempt_at) : null,
        created_at: iso(row.created_at)!,
        delivered_at: iso(row.delivered_at),
      })),
      total,
      limit,
      offset,
    };
  }

  /**
   * The alerts of one snapshot for GET summary: its thresholds (configuration and rules) evaluated on the
   * snapshot the summary shows, plus the active anomaly alerts stored for it, each with its stored id and
   * status when the alert history has it.
   */
  async forSnapshot(values: MetricValues, config: MetricsConfigEntity, where: SnapshotScope): Promise<SummaryAlert[]> {
    const custom = await this.dataSource.getRepository(MetricsAlertRule).findBy({ enabled: true });
    const conditions = evaluateThresholds(values, [...builtInRules(config), ...custom.map(ruleFromEntity)], where);
    const stored = (await this.dataSource.query(
      `SELECT * FROM metrics_alert
       WHERE environment = $1 AND bucket_type = $2 AND bucket_date = $3::date AND tenant_id IS NOT DISTINCT FROM $4::varchar
         AND status <> 'resolved'`,
      [this.options.environment, where.bucket_type, where.bucket_date, where.tenant],
    )) as Record<string, unknown>[];
    const byKey = new Map(stored.map((row) => [`${row.rule_key as string}|${row.metric as string}`, alertView(row)]));
    const summary: SummaryAlert[] = conditions.map((condition) => {
      const known = byKey.get(`${condition.rule_key}|${condition.metric}`);
      return {
        ...toSummaryAlert(condition),
        kind: condition.kind,
        ...(known ? { id: known.id, status: known.status } : {}),
      };
    });
    for (const row of stored.filter((candidate) => candidate.kind === 'anomaly')) {
      const view = alertView(row);
      summary.push({
        metric: view.metric,
        value: view.value,
        threshold: view.expected as number,
        severity: view.severity,
        bucket_type: view.bucket_type,
        bucket_date: view.bucket_date,
        tenant: view.tenant,
        message: view.message,
        id: view.id,
        kind: view.kind,
        status: view.status,
        expected: view.expected,
      });
    }
    return summary;
  }
}
