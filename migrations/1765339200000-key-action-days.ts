import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key-action days (docs/performance.md, "Key-action days"): one row per tenant, action, user and local day with
 * that action, with the same user's previous day with the same action, and the days it holds exactly (coverage).
 * Derived data: the compute folds it from the activation source, and rebuilds it when the timezone or the activation
 * relation changes, so a backup may leave it out (docs/backups.md).
 *
 * `tenant_id` is nullable (key actions of no tenant count in the global view), hence a NULLS NOT DISTINCT key rather
 * than a primary key; it contains tenant_id, so the table can be hash-partitioned by tenant like the sources. The key
 * also finds a user's previous day with an action; the `range` index lets a bucket's users per key action be counted
 * from the index alone.
 */
export class KeyActionDays1765339200000 implements MigrationInterface {
  name = 'KeyActionDays1765339200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_key_action_day (
        tenant_id varchar,
        action varchar NOT NULL,
        user_id varchar NOT NULL,
        day date NOT NULL,
        previous_day date,
        CONSTRAINT metrics_key_action_day_key UNIQUE NULLS NOT DISTINCT (tenant_id, action, user_id, day)
      )`);
    await db.query(
      `CREATE INDEX metrics_key_action_day_range ON metrics_key_action_day (day) INCLUDE (tenant_id, action, previous_day)`,
    );
    await db.query(`
      CREATE TABLE metrics_key_action_day_coverage (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        timezone text NOT NULL,
        source text NOT NULL,
        first_day date NOT NULL,
        last_day date NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS metrics_key_action_day_coverage');
    await db.query('DROP TABLE IF EXISTS metrics_key_action_day');
  }
}
