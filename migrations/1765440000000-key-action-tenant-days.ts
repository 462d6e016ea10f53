import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key-action days' tenant counts (docs/performance.md, "Tenant key-action counts"): per tenant, action and local
 * day, the users of that day with the action (`users`), and of them those whose previous day with it lies before the
 * day's ISO week (`week_first`) and before its month (`month_first`). A day's, a week's and a month's users per key
 * action are then sums over the bucket's days, where the compute counted the bucket's key-action days. Derived data,
 * kept by the compute with the key-action days in the same transaction; one row per tenant, action and day (about a
 * sixth of the key-action days at scale 1), so it is not partitioned.
 *
 * Filled here from the key-action days already folded, so the days their coverage holds are held by these counts
 * too (the statement is the compute's, libs/metrics/src/sql/key-action-days.sql.ts, as of this migration).
 */
export class KeyActionTenantDays1765440000000 implements MigrationInterface {
  name = 'KeyActionTenantDays1765440000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_key_action_tenant_day (
        tenant_id varchar,
        action varchar NOT NULL,
        day date NOT NULL,
        users int NOT NULL,
        week_first int NOT NULL,
        month_first int NOT NULL,
        CONSTRAINT metrics_key_action_tenant_day_key UNIQUE NULLS NOT DISTINCT (day, tenant_id, action)
      )`);
    await db.query(`
      INSERT INTO metrics_key_action_tenant_day (tenant_id, action, day, users, week_first, month_first)
      SELECT tenant_id, action, day, count(*),
             count(*) FILTER (WHERE previous_day IS NULL OR previous_day < day - (((day - DATE '2000-01-03') % 7 + 7) % 7)),
             count(*) FILTER (WHERE previous_day IS NULL OR previous_day < day - (date_part('day', day)::int - 1))
      FROM metrics_key_action_day GROUP BY 1, 2, 3`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE metrics_key_action_tenant_day');
  }
}
