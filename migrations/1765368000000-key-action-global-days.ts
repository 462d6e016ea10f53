import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key-action days' global counts (docs/performance.md, "Global key-action counts"): per action and local day,
 * every tenant's users of that day by how many days before it their previous day with the action lies: `gap_days`,
 * the distinct gaps in ascending order (367 standing for more, or none), and `users_at_least`, element i the users
 * whose gap is at least `gap_days[i]`. A global summary of up to a year counts its users per key action from one row
 * per action and day. Derived data, kept by the compute with the key-action days in the same transaction; a few MB
 * at any scale (no tenant or user in its key), so it is not partitioned.
 *
 * Filled here from the key-action days already folded, so the days their coverage holds are held by these counts
 * too (the statement is the compute's, libs/metrics/src/sql/key-action-days.sql.ts, as of this migration).
 */
export class KeyActionGlobalDays1765368000000 implements MigrationInterface {
  name = 'KeyActionGlobalDays1765368000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_key_action_global_day (
        action varchar NOT NULL,
        day date NOT NULL,
        gap_days int[] NOT NULL,
        users_at_least int[] NOT NULL,
        PRIMARY KEY (day, action)
      )`);
    await db.query(`
      INSERT INTO metrics_key_action_global_day (action, day, gap_days, users_at_least)
      SELECT action, day, array_agg(gap ORDER BY gap), array_agg(users_at_least ORDER BY gap) FROM (
        SELECT action, day, gap, sum(users) OVER (PARTITION BY action, day ORDER BY gap DESC)::int AS users_at_least
        FROM (
          SELECT action, day, least(coalesce(day - previous_day, 367), 367) AS gap, count(*) AS users
          FROM metrics_key_action_day GROUP BY 1, 2, 3) AS by_gap) AS at_least
      GROUP BY 1, 2`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE metrics_key_action_global_day');
  }
}
