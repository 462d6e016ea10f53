import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An auto-refresh of a dashboard is recorded only when the same actor's same read is not already in the audit
 * trail of the last 24 hours (docs/audit-retention.md): this index answers that question without a scan.
 */
export class AuditRefreshIndex1765065600000 implements MigrationInterface {
  name = 'AuditRefreshIndex1765065600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX metrics_audit_log_actor_route ON metrics_audit_log (actor, route, at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS metrics_audit_log_actor_route');
  }
}
