import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-user lifecycle state (docs/performance.md, "Per-user activity state", lifecycle part): each user's first
 * signup, their number of signups, and whether their last lifecycle transition left them active, as of an instant (the coverage's
 * `folded_to`), so a run reads only the lifecycle events from that instant on. Derived data: the compute folds it
 * from the lifecycle source and rebuilds it from the whole history when it cannot be trusted, so a backup may
 * leave it out (docs/backups.md).
 *
 * `tenant_id` is nullable (lifecycle events of no tenant count in the global view), hence a NULLS NOT DISTINCT
 * key rather than a primary key; it contains tenant_id, so the table can be hash-partitioned by tenant like the
 * sources and metrics_user_activity.
 */
export class UserLifecycleState1765209600000 implements MigrationInterface {
  name = 'UserLifecycleState1765209600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_user_lifecycle (
        tenant_id varchar,
        user_id varchar NOT NULL,
        first_signup_at timestamptz,
        signups int NOT NULL,
        last_event_at timestamptz NOT NULL,
        active boolean NOT NULL,
        CONSTRAINT metrics_user_lifecycle_key UNIQUE NULLS NOT DISTINCT (tenant_id, user_id)
      )`);
    await db.query(`
      CREATE TABLE metrics_user_lifecycle_coverage (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        source text NOT NULL,
        folded_to timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS metrics_user_lifecycle_coverage');
    await db.query('DROP TABLE IF EXISTS metrics_user_lifecycle');
  }
}
