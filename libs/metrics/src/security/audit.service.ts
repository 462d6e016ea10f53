import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, type EntityManager } from 'typeorm';
import { MetricsAuditLog } from '../entities/security.entity.js';

export type AuditAction = 'read' | 'export' | 'config_change' | 'token_create' | 'token_revoke' | 'run';

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

const SECRET = /token|password|secret|authorization|key/i;
const MAX_TEXT = 200;
// PostgreSQL's jsonb refuses \u0000, and control characters make a log hard to read: they are shown escaped.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;
const printable = (text: string) =>
  text.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
const cut = (text: string) => printable(text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

/** JSON of a request value, or a note when it cannot be (too deep for the stack: hostile input). */
function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '(not serialisable)';
  }
}

/** Request parameters as the audit keeps them: secrets masked, long strings cut, nothing nested deeply. */
export function auditParams(values: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(values).slice(0, 50)) {
    const key = cut(rawKey);
    if (SECRET.test(key)) kept[key] = '***';
    else if (typeof value === 'string') kept[key] = cut(value);
    else if (value === null || typeof value === 'number' || typeof value === 'boolean') kept[key] = value;
    else kept[key] = cut(safeJson(value));
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
