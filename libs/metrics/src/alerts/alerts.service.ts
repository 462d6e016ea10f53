import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { MetricsConfigEntity } from '../entities/config.entity.js';
import type { MetricValues } from '../common/metric-values.js';
import { AlertsRepository } from '../repositories/alerts.repository.js';
import { badRequest } from '../common/validation.js';
import type { AuditEntry } from '../security/audit.service.js';
import { AuditedChange } from '../security/audited-changes.service.js';
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

const ALERT_ID = /^[1-9]\d{0,17}$/;

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

/** Reads and acknowledgements of the alert history and its delivery log. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly history: AlertsRepository,
    private readonly audited: AuditedChange,
  ) {}

  async list(query: AlertsQueryDto): Promise<AlertPage> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const { rows: alerts, total } = await this.history.page({
      status: query.status ?? null,
      tenant: query.tenant ?? null,
      severity: query.severity ?? null,
      kind: query.kind ?? null,
      limit,
      offset,
    });
    return { alerts: alerts.map(alertView), total, limit, offset };
  }

  /**
   * An admin has seen it: it stays listed (and can still escalate or resolve) but is marked acknowledged.
   * Locked, changed and audited in one transaction.
   */
  acknowledge(id: string, by: string, entry: Omit<AuditEntry, 'outcome'>): Promise<AlertView> {
    if (!ALERT_ID.test(id)) throw badRequest([{ field: 'id', message: 'must be an alert id' }]);
    return this.audited.run(entry, 200, async (manager) => {
      const row = await this.history.lockOne(id, manager);
      if (!row) throw new NotFoundException(`No alert with id ${id}`);
      if (row.status === 'resolved') throw new ConflictException(`Alert ${id} is already resolved`);
      if (row.status === 'acknowledged') return { result: alertView(row) };
      return { result: alertView(await this.history.acknowledge(id, by, manager)) };
    });
  }

  async deliveries(
    query: DeliveriesQueryDto,
  ): Promise<{ deliveries: DeliveryView[]; total: number; limit: number; offset: number }> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const { rows: found, total } = await this.history.deliveries({
      status: query.status ?? null,
      alert_id: query.alert_id ?? null,
      limit,
      offset,
    });
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
    const custom = await this.history.enabledRules();
    const conditions = evaluateThresholds(values, [...builtInRules(config), ...custom.map(ruleFromEntity)], where);
    const stored = await this.history.activeForSnapshot({
      bucket_type: where.bucket_type,
      bucket_date: where.bucket_date,
      tenant: where.tenant,
    });
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
