import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, type EntityManager } from 'typeorm';
import { MetricsAuditLog } from '../entities/security.entity.js';

export type AuditAction =
  | 'read'
  | 'export'
  | 'config_change'
  | 'token_create'
  | 'token_revoke'
  | 'run'
  | 'stripe_sync'
  | 'revenue_entry'
  | 'alert_ack'
  | 'alert_rule_change'
  | 'alert_channel_change';

export interface AuditEntry {
  actor: string;
  actor_kind: string;
  ip: string | null;
  method: string;
  route: string;
  action: AuditAction;
  params: Record<string, unknown>;
  changes?: Record<string, { before: unknown; after: unknown }> | null;
  outcome: number;
}

// A webhook URL and its headers are secrets too (a Slack URL carries its key in the path).
const SECRET = /token|password|secret|authorization|key|^url$|^headers$/i;
const MAX_TEXT = 200;

/** Nested values with their secret fields masked, so that stringifying them cannot leak one. */
function maskNested(value: unknown, depth = 0): unknown {
  if (depth > 5) return '…';
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => maskNested(item, depth + 1));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, 50)
      .map(([key, item]) => [key, SECRET.test(key) ? '***' : maskNested(item, depth + 1)]),
  );
}

/** Request parameters as the audit keeps them: secrets masked, long strings cut, nothing nested deeply. */
export function auditParams(values: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values).slice(0, 50)) {
    if (SECRET.test(key)) kept[key] = '***';
    else if (typeof value === 'string') kept[key] = value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
    else if (value === null || typeof value === 'number' || typeof value === 'boolean') kept[key] = value;
    else kept[key] = JSON.stringify(maskNested(value)).slice(0, MAX_TEXT);
  }
  return kept;
}

/** The fields a change touched, with their values before and after. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  fields: string[],
): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const field of fields) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changes[field] = { before: before[field], after: after[field] };
    }
  }
  return changes;
}

/** Appends audit records (the table refuses updates and deletes) and reads them back for admins. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(entry: AuditEntry, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO metrics_audit_log (actor, actor_kind, ip, method, route, action, params, changes, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)`,
      [
        entry.actor,
        entry.actor_kind,
        entry.ip,
        entry.method,
        entry.route,
        entry.action,
        JSON.stringify(entry.params),
        entry.changes ? JSON.stringify(entry.changes) : null,
        entry.outcome,
      ],
    );
  }

  async list(limit: number, beforeId?: string): Promise<MetricsAuditLog[]> {
    return this.dataSource.getRepository(MetricsAuditLog).find({
      where: beforeId ? { id: LessThan(beforeId) } : {},
      order: { id: 'DESC' },
      take: limit,
    });
  }
}
