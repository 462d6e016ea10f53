import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { run, type RunsSql, type Statement } from '../database/statement.js';
import { MetricsAlertRule } from '../entities/alert.entities.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { tenantIfGiven, tenantIs } from '../sql/tenant-predicate.js';

export interface AlertFilter {
  env: string;
  status: string | null;
  tenant: string | null;
  severity: string | null;
  kind: string | null;
  limit: number;
  offset: number;
}

export interface DeliveryFilter {
  env: string;
  status: string | null;
  alert_id: string | number | null;
  limit: number;
  offset: number;
}

export interface SnapshotKey {
  env: string;
  bucket_type: string;
  bucket_date: string;
  tenant: string | null;
}

type Row = Record<string, unknown>;

/** The alert list's filters; the tenant's is written by `tenantIfGiven` like every tenant filter. */
const alertsWhere = (tenant: string | null | undefined): string => `environment = :env
  AND (:status::varchar IS NULL OR status = :status::varchar OR (:status::varchar = 'active' AND status <> 'resolved'))
  AND ${tenantIfGiven('tenant_id', tenant)}
  AND (:severity::varchar IS NULL OR severity = :severity::varchar)
  AND (:kind::varchar IS NULL OR kind = :kind::varchar)`;

const DELIVERIES_FROM = `FROM metrics_alert_delivery d JOIN metrics_alert a ON a.id = d.alert_id
  WHERE a.environment = :env
    AND (:status::varchar IS NULL OR d.status = :status::varchar)
    AND (:alert_id::bigint IS NULL OR d.alert_id = :alert_id::bigint)`;

const UPSERT_SQL = `
INSERT INTO metrics_alert AS a (environment, kind, rule_key, metric, bucket_type, bucket_date, tenant_id, value,
  threshold, expected, expected_low, expected_high, severity, message, status, first_seen, last_seen)
SELECT :env, c.kind, c.rule_key, c.metric, c.bucket_type, c.bucket_date, c.tenant, c.value, c.threshold, c.expected,
  c.expected_low, c.expected_high, c.severity, c.message, 'open', now(), now()
FROM jsonb_to_recordset(:conditions::jsonb) AS c(kind text, rule_key text, metric text, bucket_type text,
  bucket_date date, tenant text, value numeric, threshold numeric, expected numeric, expected_low numeric,
  expected_high numeric, severity text, message text)
ON CONFLICT (environment, rule_key, metric, bucket_type, tenant_id) WHERE status <> 'resolved'
DO UPDATE SET value = excluded.value, threshold = excluded.threshold, expected = excluded.expected,
  expected_low = excluded.expected_low, expected_high = excluded.expected_high, severity = excluded.severity,
  bucket_date = excluded.bucket_date, message = excluded.message, last_seen = now()
RETURNING a.*`;

const ENQUEUE_SQL = `
INSERT INTO metrics_alert_delivery (alert_id, channel_id, channel_name, event, payload)
SELECT e.alert_id, c.id, c.name, e.event, e.payload
FROM jsonb_to_recordset(:events::jsonb) AS e(alert_id bigint, event text, payload jsonb)
CROSS JOIN metrics_alert_channel c
WHERE c.enabled`;

/** The statements on the alert history, as pure functions (rendered in docs/sql/alerts.sql). */
export const alertStatements = {
  page: (filter: AlertFilter): Statement => ({
    sql: `SELECT * FROM metrics_alert WHERE ${alertsWhere(filter.tenant)} ORDER BY last_seen DESC, id DESC LIMIT :limit OFFSET :offset`,
    params: { ...filter },
  }),

  count: (filter: AlertFilter): Statement => ({
    sql: `SELECT count(*)::int AS total FROM metrics_alert WHERE ${alertsWhere(filter.tenant)}`,
    params: { ...filter },
  }),

  lockOne: (id: string, env: string): Statement => ({
    sql: 'SELECT * FROM metrics_alert WHERE id = :id AND environment = :env FOR UPDATE',
    params: { id, env },
  }),

  acknowledge: (id: string, by: string): Statement => ({
    sql: `UPDATE metrics_alert SET status = 'acknowledged', acknowledged_by = :by, acknowledged_at = now()
      WHERE id = :id RETURNING *`,
    params: { id, by },
  }),

  deliveries: (filter: DeliveryFilter): Statement => ({
    sql: `SELECT d.id, d.alert_id, d.channel_id, d.channel_name, d.event, d.status, d.attempts, d.last_error,
             d.next_attempt_at, d.created_at, d.delivered_at
      ${DELIVERIES_FROM} ORDER BY d.id DESC LIMIT :limit OFFSET :offset`,
    params: { ...filter },
  }),

  deliveriesCount: (filter: DeliveryFilter): Statement => ({
    sql: `SELECT count(*)::int AS total ${DELIVERIES_FROM}`,
    params: { ...filter },
  }),

  /** Evaluations of several instances take turns: the dedup reads then writes the open alerts. */
  lock: (env: string): Statement => ({
    sql: `SELECT pg_advisory_xact_lock(hashtext('exec-metrics:alerts:' || :env::text))`,
    params: { env },
  }),

  /** The alerts not resolved yet, of one tenant or all (an evaluation compares its conditions with them). */
  active: (env: string, tenant: string | null): Statement => ({
    sql: `SELECT id, kind, rule_key, metric, bucket_type, tenant_id, severity FROM metrics_alert
      WHERE environment = :env AND status <> 'resolved'
        AND ${tenantIfGiven('tenant_id', tenant)}`,
    params: { env, tenant },
  }),

  /** Opens an alert per new condition, updates the open alert of a lasting one (`conditions`: JSON array). */
  upsert: (env: string, conditions: string): Statement => ({ sql: UPSERT_SQL, params: { env, conditions } }),

  resolve: (ids: string[]): Statement => ({
    sql: `UPDATE metrics_alert SET status = 'resolved', resolved_at = now()
      WHERE id = ANY(:ids::bigint[]) RETURNING *`,
    params: { ids },
  }),

  /** Queues each event (`events`: JSON array) for every enabled channel, in the evaluation's transaction. */
  enqueue: (events: string): Statement => ({ sql: ENQUEUE_SQL, params: { events } }),

  /** The alerts of one snapshot that are not resolved (GET summary shows them with its thresholds). */
  activeForSnapshot: (key: SnapshotKey): Statement => ({
    sql: `SELECT * FROM metrics_alert
      WHERE environment = :env AND bucket_type = :bucket_type AND bucket_date = :bucket_date::date
        AND ${tenantIs('tenant_id', key.tenant)} AND status <> 'resolved'`,
    params: { ...key },
  }),
};

/** The alert history and its delivery log as the admin routes and GET summary read them. */
@Injectable()
export class AlertsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {}

  private readonly query: RunsSql = (text, values) => this.dataSource.query(text, values);

  async page(filter: Omit<AlertFilter, 'env'>): Promise<{ rows: Row[]; total: number }> {
    const scoped = { ...filter, env: this.options.environment };
    const rows = await run(this.query, alertStatements.page(scoped));
    const [{ total }] = await run<{ total: number }>(this.query, alertStatements.count(scoped));
    return { rows, total };
  }

  /** The alert, locked for the caller's transaction; undefined when there is none in this environment. */
  async lockOne(id: string, manager: EntityManager): Promise<Row | undefined> {
    const [row] = await run(
      (text, values) => manager.query(text, values),
      alertStatements.lockOne(id, this.options.environment),
    );
    return row;
  }

  async acknowledge(id: string, by: string, manager: EntityManager): Promise<Row> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows] = (await run(
      (text, values) => manager.query(text, values),
      alertStatements.acknowledge(id, by),
    )) as unknown as [Row[], number];
    return rows[0];
  }

  async deliveries(filter: Omit<DeliveryFilter, 'env'>): Promise<{ rows: Row[]; total: number }> {
    const scoped = { ...filter, env: this.options.environment };
    const rows = await run(this.query, alertStatements.deliveries(scoped));
    const [{ total }] = await run<{ total: number }>(this.query, alertStatements.deliveriesCount(scoped));
    return { rows, total };
  }

  activeForSnapshot(key: Omit<SnapshotKey, 'env'>): Promise<Row[]> {
    return run(this.query, alertStatements.activeForSnapshot({ ...key, env: this.options.environment }));
  }

  async lock(manager: EntityManager): Promise<void> {
    await run((text, values) => manager.query(text, values), alertStatements.lock(this.options.environment));
  }

  active(manager: EntityManager, env: string, tenant: string | null): Promise<Row[]> {
    return run((text, values) => manager.query(text, values), alertStatements.active(env, tenant));
  }

  upsert(manager: EntityManager, env: string, conditions: string): Promise<Row[]> {
    return run((text, values) => manager.query(text, values), alertStatements.upsert(env, conditions));
  }

  async resolve(manager: EntityManager, ids: string[]): Promise<Row[]> {
    const resolved = await run((text, values) => manager.query(text, values), alertStatements.resolve(ids));
    // TypeORM answers an UPDATE with [rows, affected].
    return (Array.isArray(resolved[0]) ? resolved[0] : resolved) as Row[];
  }

  async enqueue(manager: EntityManager, events: string): Promise<void> {
    await run((text, values) => manager.query(text, values), alertStatements.enqueue(events));
  }

  enabledRules(): Promise<MetricsAlertRule[]> {
    return this.dataSource.getRepository(MetricsAlertRule).findBy({ enabled: true });
  }
}
