import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { compileSql } from '../database/named-sql.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import type { AlertKind, DeliveryEvent } from '../entities/alert.entities.js';
import type { AlertCondition } from './alert-condition.js';
import { alertView, type AlertView } from './alert-view.js';

/** What an evaluation looked at: only the alerts inside it may be resolved by it. */
export interface EvaluatedScope {
  environment: string;
  /** Null: the global view and every tenant. */
  tenant: string | null;
  buckets: BucketType[];
  kinds: AlertKind[];
}

export interface LifecycleOutcome {
  opened: AlertView[];
  escalated: AlertView[];
  updated: AlertView[];
  resolved: AlertView[];
}

const conditionKey = (row: { rule_key: string; metric: string; bucket_type: string; tenant: string | null }) =>
  JSON.stringify([row.rule_key, row.metric, row.bucket_type, row.tenant]);

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

/**
 * Turns an evaluation's conditions into alert history: a new condition opens an alert, a lasting one updates
 * its alert (value, severity, last_seen) instead of alerting again, and an alert whose condition is gone
 * is resolved. New, escalated (warning → critical) and resolved alerts are queued for every enabled channel
 * in the same transaction, so the outbox never misses or invents one.
 */
@Injectable()
export class AlertLifecycleService {
  async apply(manager: EntityManager, scope: EvaluatedScope, conditions: AlertCondition[]): Promise<LifecycleOutcome> {
    const query = async (sql: string, params: Record<string, unknown>) => {
      const compiled = compileSql(sql, params);
      return (await manager.query(compiled.text, compiled.values)) as Record<string, unknown>[];
    };
    const active = await query(
      `SELECT id, kind, rule_key, metric, bucket_type, tenant_id, severity FROM metrics_alert
       WHERE environment = :env AND status <> 'resolved'
         AND (:tenant::varchar IS NULL OR tenant_id = :tenant::varchar)`,
      { env: scope.environment, tenant: scope.tenant },
    );
    const before = new Map(
      active.map((row) => [
        conditionKey({
          ...(row as { rule_key: string; metric: string; bucket_type: string }),
          tenant: row.tenant_id as string | null,
        }),
        row,
      ]),
    );

    const outcome: LifecycleOutcome = { opened: [], escalated: [], updated: [], resolved: [] };
    const seen = new Set<string>();
    if (conditions.length > 0) {
      // A condition seen twice in one evaluation (never expected) would make the upsert touch a row twice.
      const unique = [...new Map(conditions.map((condition) => [conditionKey(condition), condition])).values()];
      for (const row of await query(UPSERT_SQL, { env: scope.environment, conditions: JSON.stringify(unique) })) {
        const view = alertView(row);
        const key = conditionKey({ ...view, rule_key: row.rule_key as string });
        seen.add(key);
        const previous = before.get(key);
        if (!previous) outcome.opened.push(view);
        else if (previous.severity === 'warning' && view.severity === 'critical') outcome.escalated.push(view);
        else outcome.updated.push(view);
      }
    }

    const cleared = active.filter(
      (row) =>
        !seen.has(
          conditionKey({
            ...(row as { rule_key: string; metric: string; bucket_type: string }),
            tenant: row.tenant_id as string | null,
          }),
        ) &&
        scope.buckets.includes(row.bucket_type as BucketType) &&
        scope.kinds.includes(row.kind as AlertKind),
    );
    if (cleared.length > 0) {
      const resolved = await query(
        `UPDATE metrics_alert SET status = 'resolved', resolved_at = now()
         WHERE id = ANY(:ids::bigint[]) RETURNING *`,
        { ids: cleared.map((row) => String(row.id as string)) },
      );
      // TypeORM answers an UPDATE with [rows, affected].
      const rows = (Array.isArray(resolved[0]) ? resolved[0] : resolved) as Record<string, unknown>[];
      outcome.resolved.push(...rows.map(alertView));
    }

    const events: { alert_id: string; event: DeliveryEvent; payload: { event: DeliveryEvent; alert: AlertView } }[] = [
      ...outcome.opened.map((alert) => ({ alert, event: 'opened' as const })),
      ...outcome.escalated.map((alert) => ({ alert, event: 'escalated' as const })),
      ...outcome.resolved.map((alert) => ({ alert, event: 'resolved' as const })),
    ].map(({ alert, event }) => ({ alert_id: alert.id, event, payload: { event, alert } }));
    if (events.length > 0) await query(ENQUEUE_SQL, { events: JSON.stringify(events) });
    return outcome;
  }
}
