import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A hash chain over the audit trail: each record carries the hash of the record before it and its own hash,
 * sha256(prev_hash || canonical record). A BEFORE INSERT trigger fills both under a transaction-level advisory
 * lock, so concurrent writers (several instances, the CLI) form one linear chain whoever inserts, and nothing in
 * the module can write an unchained record. Records already present are chained here, oldest first.
 *
 * The canonical form is a jsonb array (jsonb's text output is deterministic on every PostgreSQL version) with the
 * instant as epoch microseconds, so the session's TimeZone does not change the hash.
 */
export class AuditChain1764806400000 implements MigrationInterface {
  name = 'AuditChain1764806400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE metrics_audit_log ADD COLUMN prev_hash char(64), ADD COLUMN hash char(64)`);
    await db.query(`
      CREATE FUNCTION metrics_audit_record_hash(prev text, rec metrics_audit_log) RETURNS text
      LANGUAGE sql STABLE AS $$
        SELECT encode(sha256(convert_to(coalesce(prev, '') || jsonb_build_array(
          rec.id, (extract(epoch FROM rec.at) * 1000000)::bigint, rec.actor, rec.actor_kind, rec.ip,
          rec.method, rec.route, rec.action, rec.params, rec.changes, rec.outcome
        )::text, 'UTF8')), 'hex')
      $$`);
    await db.query(`
      CREATE FUNCTION metrics_audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('exec-metrics:audit-chain'));
        -- Under the lock the id is taken again, so id order is chain order even when writers raced for ids
        -- (ids therefore have gaps: removals show in the chain, not in id continuity).
        NEW.id := nextval(pg_get_serial_sequence('metrics_audit_log', 'id'));
        SELECT hash INTO NEW.prev_hash FROM metrics_audit_log ORDER BY id DESC LIMIT 1;
        NEW.hash := metrics_audit_record_hash(NEW.prev_hash, NEW);
        RETURN NEW;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER metrics_audit_log_chain BEFORE INSERT ON metrics_audit_log
      FOR EACH ROW EXECUTE FUNCTION metrics_audit_log_chain()`);
    // Chain the records written before this migration (the append-only trigger is paused for it, in this
    // transaction only: ALTER TABLE takes a lock that keeps every writer out until the commit).
    await db.query(`ALTER TABLE metrics_audit_log DISABLE TRIGGER metrics_audit_log_append_only`);
    await db.query(`
      DO $$
      DECLARE
        previous text := NULL;
        entry metrics_audit_log;
      BEGIN
        FOR entry IN SELECT * FROM metrics_audit_log ORDER BY id LOOP
          UPDATE metrics_audit_log SET prev_hash = previous, hash = metrics_audit_record_hash(previous, entry)
          WHERE id = entry.id RETURNING hash INTO previous;
        END LOOP;
      END
      $$`);
    await db.query(`ALTER TABLE metrics_audit_log ENABLE TRIGGER metrics_audit_log_append_only`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER IF EXISTS metrics_audit_log_chain ON metrics_audit_log');
    await db.query('DROP FUNCTION IF EXISTS metrics_audit_log_chain()');
    await db.query('DROP FUNCTION IF EXISTS metrics_audit_record_hash(text, metrics_audit_log)');
    await db.query('ALTER TABLE metrics_audit_log DROP COLUMN prev_hash, DROP COLUMN hash');
  }
}
