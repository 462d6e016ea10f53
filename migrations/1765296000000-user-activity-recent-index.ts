import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-user activity state's rows by last active day alone (docs/performance.md, "Per-user activity state"). The
 * rows of a window or of the days a run folds are those with `last_day` on or after its first day; a one-tenant run
 * finds them by `(tenant_id, last_day)`, but the all-tenants run (the nightly run) cannot use that index's second
 * column and read the year's whole unique key instead, every user-year of the year to keep a month's rows.
 */
export class UserActivityRecentIndex1765296000000 implements MigrationInterface {
  name = 'UserActivityRecentIndex1765296000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX metrics_user_activity_recent ON metrics_user_activity (last_day)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS metrics_user_activity_recent');
  }
}
