import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stored daily work (docs/performance.md, "Stored daily work"): each complete day's values of every work metric
 * and scope, as the compute built them, with what they were computed for (the inputs' fingerprint, the run's first
 * work day, its `as_of`). A one-day run rolls its week and month up from these rows for the days before its own
 * instead of computing them again. Derived data: the compute writes and prunes it; a backup may leave it out.
 *
 * `tenant_id` is nullable (the global view), hence a NULLS NOT DISTINCT key that contains tenant_id, so the table
 * can be hash-partitioned by tenant like the sources.
 */
export class DailyWorkStore1765324800000 implements MigrationInterface {
  name = 'DailyWorkStore1765324800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_daily_work (
        environment varchar NOT NULL,
        is_global boolean NOT NULL,
        tenant_id varchar,
        day date NOT NULL,
        work jsonb NOT NULL,
        inputs text NOT NULL,
        work_from date NOT NULL,
        computed_as_of timestamptz NOT NULL,
        CONSTRAINT metrics_daily_work_key UNIQUE NULLS NOT DISTINCT (environment, tenant_id, day, is_global)
      )`);
    await db.query(`CREATE INDEX metrics_daily_work_day ON metrics_daily_work (environment, day)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS metrics_daily_work');
  }
}
