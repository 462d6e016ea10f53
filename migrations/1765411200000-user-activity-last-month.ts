import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-user activity state found by the month of its last active day (docs/performance-history.md, "2026-12-05
 * (third session)"). A nightly run rewrites the state row of every user active that day, and each rewrite moves
 * `last_day`, which two indexes held: no update could be HOT, so each wrote a new entry into all three indexes (36k
 * rows, 18 buffers each, ~470 ms of a scale-1 night). `last_month`, stored beside it, changes once a month, and a fifth
 * of each page is left free: a night's updates stay on their page and write no index entry. Readers bound
 * `last_month` as well as `last_day` (user-activity.sql.ts). The column's rewrite of the table takes ~1 s at scale 1.
 */
export class UserActivityLastMonth1765411200000 implements MigrationInterface {
  name = 'UserActivityLastMonth1765411200000';

  async up(db: QueryRunner): Promise<void> {
    // A table partitioned by a host (as the bench's scale-out run does) keeps its storage settings on its partitions.
    for (const table of await storedTables(db)) await db.query(`ALTER TABLE ${table} SET (fillfactor = 80)`);
    await db.query(
      `ALTER TABLE metrics_user_activity ADD COLUMN last_month date
         GENERATED ALWAYS AS (date_trunc('month', last_day::timestamp)::date) STORED`,
    );
    await db.query('DROP INDEX IF EXISTS metrics_user_activity_recent');
    await db.query('DROP INDEX IF EXISTS metrics_user_activity_last_day');
    await db.query('CREATE INDEX metrics_user_activity_recent ON metrics_user_activity (last_month)');
    await db.query('CREATE INDEX metrics_user_activity_last_month ON metrics_user_activity (tenant_id, last_month)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS metrics_user_activity_recent');
    await db.query('DROP INDEX IF EXISTS metrics_user_activity_last_month');
    await db.query('ALTER TABLE metrics_user_activity DROP COLUMN last_month');
    for (const table of await storedTables(db)) await db.query(`ALTER TABLE ${table} RESET (fillfactor)`);
    await db.query('CREATE INDEX metrics_user_activity_last_day ON metrics_user_activity (tenant_id, last_day)');
    await db.query('CREATE INDEX metrics_user_activity_recent ON metrics_user_activity (last_day)');
  }
}

/** The tables that hold the state's rows: the table itself, or its partitions (at any depth) when it is partitioned. */
async function storedTables(db: QueryRunner): Promise<string[]> {
  const rows = (await db.query(
    `WITH RECURSIVE tree AS (
       SELECT 'metrics_user_activity'::regclass AS oid
       UNION ALL
       SELECT i.inhrelid FROM pg_inherits i JOIN tree t ON i.inhparent = t.oid)
     SELECT tree.oid::regclass::text AS name FROM tree JOIN pg_class c ON c.oid = tree.oid WHERE c.relkind = 'r'`,
  )) as { name: string }[];
  return rows.map((row) => row.name);
}
