import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-user activity state (docs/performance.md, "Per-user activity state"): each user's active local days as
 * one bit string per calendar year, with its first and last active day, and the days it holds exactly
 * (coverage). Derived data: the compute folds it from the activity source, and rebuilds it when the timezone or
 * the activity relation changes, so a backup may leave it out (docs/backups.md).
 *
 * `tenant_id` is nullable (activity of no tenant counts in the global view), hence a NULLS NOT DISTINCT key
 * rather than a primary key; it contains tenant_id, so the table can be hash-partitioned by tenant like the
 * sources.
 */
export class UserActivityState1765152000000 implements MigrationInterface {
  name = 'UserActivityState1765152000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_user_activity (
        tenant_id varchar,
        user_id varchar NOT NULL,
        year int NOT NULL,
        days bit(366) NOT NULL,
        first_day date NOT NULL,
        last_day date NOT NULL,
        CONSTRAINT metrics_user_activity_key UNIQUE NULLS NOT DISTINCT (tenant_id, user_id, year)
      )`);
    // A rolling window's users: those active since its first day.
    await db.query(`CREATE INDEX metrics_user_activity_last_day ON metrics_user_activity (tenant_id, last_day)`);
    await db.query(`
      CREATE TABLE metrics_user_activity_coverage (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        timezone text NOT NULL,
        source text NOT NULL,
        first_day date NOT NULL,
        last_day date NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS metrics_user_activity_coverage');
    await db.query('DROP TABLE IF EXISTS metrics_user_activity');
  }
}
