import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AlertsRepository } from '../repositories/alerts.repository.js';
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

/**
 * Turns an evaluation's conditions into alert history: a new condition opens an alert, a lasting one updates
 * its alert (value, severity, last_seen) instead of alerting again, and an alert whose condition is gone
 * is resolved. New, escalated (warning → critical) and resolved alerts are queued for every enabled channel
 * in the same transaction, so the outbox never misses or invents one.
 */
@Injectable()
export class AlertLifecycleService {
  constructor(private readonly history: AlertsRepository) {}

  async apply(manager: EntityManager, scope: EvaluatedScope, conditions: AlertCondition[]): Promise<LifecycleOutcome> {
    const active = await this.history.active(manager, scope.environment, scope.tenant);
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
      for (const row of await this.history.upsert(manager, scope.environment, JSON.stringify(unique))) {
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
      const rows = await this.history.resolve(
        manager,
        cleared.map((row) => String(row.id as string)),
      );
      outcome.resolved.push(...rows.map(alertView));
    }

    const events: { alert_id: string; event: DeliveryEvent; payload: { event: DeliveryEvent; alert: AlertView } }[] = [
      ...outcome.opened.map((alert) => ({ alert, event: 'opened' as const })),
      ...outcome.escalated.map((alert) => ({ alert, event: 'escalated' as const })),
      ...outcome.resolved.map((alert) => ({ alert, event: 'resolved' as const })),
    ].map(({ alert, event }) => ({ alert_id: alert.id, event, payload: { event, alert } }));
    if (events.length > 0) await this.history.enqueue(manager, JSON.stringify(events));
    return outcome;
  }
}
