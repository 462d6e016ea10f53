import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, type EntityManager } from 'typeorm';
import { run, type Statement } from '../database/statement.js';
import { MetricsAuditLog } from '../entities/security.entity.js';

/** An audit record as stored: params and changes already masked and serialised as jsonb text. */
export interface AuditRow {
  actor: string;
  actor_kind: string;
  ip: string | null;
  method: string;
  route: string;
  action: string;
  params: string;
  changes: string | null;
  outcome: number;
}

export interface AuditChainRow {
  records: number;
  head: string | null;
  broken_id: string | null;
  previous_id: string | null;
  altered: boolean | null;
}

/** The statements on `metrics_audit_log`, as pure functions (rendered in docs/sql/audit.sql). */
export const auditStatements = {
  insert: (row: AuditRow): Statement => ({
    sql: `INSERT INTO metrics_audit_log (actor, actor_kind, ip, method, route, action, params, changes, outcome)
      VALUES (:actor, :actor_kind, :ip, :method, :route, :action, :params::jsonb, :changes::jsonb, :outcome)`,
    params: { ...row },
  }),

  /** The same actor's same successful read in the last 24 hours. */
  recentRead: (actor: string, route: string, params: string): Statement => ({
    sql: `SELECT 1 FROM metrics_audit_log
      WHERE actor = :actor AND route = :route AND at > now() - interval '24 hours'
        AND action = 'read' AND outcome = 200 AND params = :params::jsonb
      LIMIT 1`,
    params: { actor, route, params },
  }),

  /**
   * The chain recomputed in one pass, in id order across every partition: its length, head, and the first record
   * whose hash or link is wrong. The first record links to the last archived record's hash (the anchor in
   * metrics_audit_archive), or to nothing when no month was archived.
   */
  verifyChain: (): Statement => ({
    sql: `WITH anchor AS (
        SELECT last_hash FROM metrics_audit_archive WHERE last_id IS NOT NULL ORDER BY last_id DESC LIMIT 1
      ), chain AS (
        SELECT id, hash, prev_hash, metrics_audit_record_hash(prev_hash, a) AS expected,
               lag(hash, 1, (SELECT last_hash FROM anchor)) OVER (ORDER BY id) AS previous_hash,
               lag(id) OVER (ORDER BY id) AS previous_id
        FROM metrics_audit_log a
      ), broken AS (
        SELECT id, previous_id, hash IS DISTINCT FROM expected AS altered FROM chain
        WHERE hash IS DISTINCT FROM expected OR prev_hash IS DISTINCT FROM previous_hash
        ORDER BY id LIMIT 1
      )
      SELECT (SELECT count(*)::int FROM chain) AS records,
             (SELECT hash FROM chain ORDER BY id DESC LIMIT 1) AS head,
             broken.id::text AS broken_id, broken.previous_id::text AS previous_id, broken.altered
      FROM (SELECT 1) one LEFT JOIN broken ON true`,
    params: {},
  }),
};

/** The audit trail: appended (the table refuses updates and deletes), checked, listed. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(row: AuditRow, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await run((text, values) => manager.query(text, values), auditStatements.insert(row));
  }

  async hasRecentRead(actor: string, route: string, params: string): Promise<boolean> {
    const rows = await run(
      (text, values) => this.dataSource.query(text, values),
      auditStatements.recentRead(actor, route, params),
    );
    return rows.length > 0;
  }

  async chain(manager: EntityManager = this.dataSource.manager): Promise<AuditChainRow> {
    const [row] = await run<AuditChainRow>(
      (text, values) => manager.query(text, values),
      auditStatements.verifyChain(),
    );
    return row;
  }

  list(limit: number, beforeId?: string): Promise<MetricsAuditLog[]> {
    return this.dataSource.getRepository(MetricsAuditLog).find({
      where: beforeId ? { id: LessThan(beforeId) } : {},
      order: { id: 'DESC' },
      take: limit,
    });
  }
}
