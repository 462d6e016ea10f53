import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A day waiting for the catch-up is marked for the source whose late data made it stale (`source`: lifecycle,
 * activity, activation, jobs, ai, api, or billing), one mark per source: each derived state distrusts only the marks
 * of what it is made from (libs/metrics/src/sql/dirty-marks.sql.ts). A mark made before knew no source, so it becomes
 * one mark for each: every reader still distrusts the day until the catch-up recomputes it.
 */
export class DirtyDaySources1765468800000 implements MigrationInterface {
  name = 'DirtyDaySources1765468800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE metrics_dirty_day DROP CONSTRAINT metrics_dirty_day_pkey`);
    await db.query(`
      ALTER TABLE metrics_dirty_day ADD COLUMN source varchar(16) NOT NULL DEFAULT 'lifecycle'
        CONSTRAINT metrics_dirty_day_source
        CHECK (source IN ('lifecycle', 'activity', 'activation', 'jobs', 'ai', 'api', 'billing'))`);
    await db.query(`
      INSERT INTO metrics_dirty_day (day, source, marked_at)
      SELECT d.day, s.source, d.marked_at
      FROM metrics_dirty_day d
      CROSS JOIN unnest(ARRAY['activity', 'activation', 'jobs', 'ai', 'api', 'billing']) AS s(source)`);
    await db.query(`ALTER TABLE metrics_dirty_day ALTER COLUMN source DROP DEFAULT`);
    await db.query(`ALTER TABLE metrics_dirty_day ADD PRIMARY KEY (day, source)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE metrics_dirty_day DROP CONSTRAINT metrics_dirty_day_pkey`);
    await db.query(`
      DELETE FROM metrics_dirty_day d
      USING metrics_dirty_day other
      WHERE other.day = d.day AND (other.marked_at, other.source) > (d.marked_at, d.source)`);
    await db.query(`ALTER TABLE metrics_dirty_day DROP COLUMN source`);
    await db.query(`ALTER TABLE metrics_dirty_day ADD PRIMARY KEY (day)`);
  }
}
