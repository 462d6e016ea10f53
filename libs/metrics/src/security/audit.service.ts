import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MetricsAuditLog } from '../entities/security.entity.js';
import { AuditRepository } from '../repositories/audit.repository.js';

export type AuditAction =
  | 'read'
  | 'export'
  | 'annotation_change'
  | 'config_change'
  | 'token_create'
  | 'token_revoke'
  | 'run'
  | 'stripe_sync'
  | 'revenue_entry'
  | 'alert_ack'
  | 'alert_rule_change'
  | 'alert_channel_change'
  | 'audit_archive';

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

/**
 * JSON text that jsonb accepts: jsonb refuses the escape \u0000, so a NUL in any string is kept as the six
 * characters "\u0000" instead (an escaped backslash before it is left alone).
 */
function jsonbText(value: unknown): string {
  return JSON.stringify(value).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\\\u0000');
}

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
  for (const [rawKey, value] of Object.entries(values).slice(0, 50)) {
    const key = cut(rawKey);
    if (SECRET.test(key)) kept[key] = '***';
    else if (typeof value === 'string') kept[key] = cut(value);
    else if (value === null || typeof value === 'number' || typeof value === 'boolean') kept[key] = value;
    else kept[key] = cut(safeJson(maskNested(value)));
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

export interface AuditChainReport {
  ok: boolean;
  records: number;
  /** The newest record's hash: note it to detect later removal of the newest records. */
  head: string | null;
  first_broken: { id: string; reason: string } | null;
}

/** Appends audit records (the table refuses updates and deletes) and reads them back for admins. */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await this.audit.insert(
      {
        actor: entry.actor,
        actor_kind: entry.actor_kind,
        ip: entry.ip,
        method: entry.method,
        route: entry.route,
        action: entry.action,
        params: jsonbText(entry.params),
        changes: entry.changes ? jsonbText(entry.changes) : null,
        outcome: entry.outcome,
      },
      manager,
    );
  }

  /**
   * Whether the same actor's same successful read (route and parameters) is already in the trail of the last
   * 24 hours: a dashboard's auto-refresh of a view already recorded is then not recorded again.
   */
  async readRecordedRecently(entry: Omit<AuditEntry, 'outcome'>): Promise<boolean> {
    return this.audit.hasRecentRead(entry.actor, entry.route, jsonbText(entry.params));
  }

  /**
   * Recomputes the chain in one pass: every record's hash must match its content and its predecessor's hash
   * (the first record has none). Reports the first record where either fails — a changed record, or a record
   * whose predecessor was removed. Removing the newest records leaves a shorter valid chain: compare `head`
   * with one noted earlier to see that. The chain runs across the monthly partitions in id order; once months
   * were archived (AuditPartitionsService.archiveBefore) it starts from the last archived record's hash.
   */
  async verify(manager?: EntityManager): Promise<AuditChainReport> {
    const row = await this.audit.chain(manager);
    if (row.broken_id === null) return { ok: true, records: row.records, head: row.head, first_broken: null };
    return {
      ok: false,
      records: row.records,
      head: row.head,
      first_broken: {
        id: row.broken_id,
        reason: row.altered
          ? 'the record does not match its hash: it was changed'
          : row.previous_id === null
            ? 'the first record points to a predecessor that is missing: records were removed before it'
            : `its predecessor is not record ${row.previous_id}: records between them were removed`,
      },
    };
  }

  list(limit: number, beforeId?: string): Promise<MetricsAuditLog[]> {
    return this.audit.list(limit, beforeId);
  }
}
