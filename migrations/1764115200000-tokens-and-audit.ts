import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Integration tokens (stored as SHA-256 hashes, never in clear) and the audit trail. Audit records are
 * append-only: a trigger refuses every UPDATE and DELETE, whoever asks.
 */
export class TokensAndAudit1764115200000 implements MigrationInterface {
  name = 'TokensAndAudit1764115200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_api_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        scope varchar(16) NOT NULL CHECK (scope IN ('admin', 'ingest')),
        token_hash char(64) NOT NULL UNIQUE,
        token_prefix varchar(12) NOT NULL,
        created_by varchar(255),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        revoked_by varchar(255)
      )`);

    await db.query(`
      CREATE TABLE metrics_audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor varchar(255) NOT NULL,
        actor_kind varchar(16) NOT NULL,
        ip varchar(64),
        method varchar(8) NOT NULL,
        route varchar(255) NOT NULL,
        action varchar(32) NOT NULL,
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        changes jsonb,
        outcome integer NOT NULL
      )`);
    await db.query(`CREATE INDEX metrics_audit_log_at ON metrics_audit_log (at DESC)`);
    await db.query(`
      CREATE FUNCTION metrics_audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'metrics_audit_log is append-only: % is not allowed', TG_OP;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER metrics_audit_log_append_only BEFORE UPDATE OR DELETE ON metrics_audit_log
      FOR EACH ROW EXECUTE FUNCTION metrics_audit_log_is_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS metrics_audit_log');
    await db.query('DROP FUNCTION IF EXISTS metrics_audit_log_is_append_only()');
    await db.query('DROP TABLE IF EXISTS metrics_api_token');
  }
}
