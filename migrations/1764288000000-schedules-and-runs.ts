import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What keeps runs single across instances: one active run per range and tenant, a claim row per cron tick,
 * a lease that lets one instance at a time do the scheduled work,
 * the days whose events arrived late, and a heartbeat that tells a live run from one whose process died.
 */
export class SchedulesAndRuns1764288000000 implements MigrationInterface {
  name = 'SchedulesAndRuns1764288000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE metrics_run ADD COLUMN heartbeat_at timestamptz`);
    await db.query(`
      CREATE UNIQUE INDEX metrics_run_one_active ON metrics_run (start_date, end_date, tenant_id) NULLS NOT DISTINCT
      WHERE status IN ('queued', 'running')`);
    await db.query(`
      CREATE TABLE metrics_schedule_tick (
        environment varchar(64) NOT NULL,
        job varchar(32) NOT NULL,
        tick varchar(64) NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (environment, job, tick)
      )`);
    await db.query(`
      CREATE TABLE metrics_lease (
        key varchar(100) PRIMARY KEY,
        holder varchar(100) NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE metrics_dirty_day (
        day date PRIMARY KEY,
        marked_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS metrics_dirty_day');
    await db.query('DROP TABLE IF EXISTS metrics_lease');
    await db.query('DROP TABLE IF EXISTS metrics_schedule_tick');
    await db.query('DROP INDEX IF EXISTS metrics_run_one_active');
    await db.query('ALTER TABLE metrics_run DROP COLUMN IF EXISTS heartbeat_at');
  }
}
