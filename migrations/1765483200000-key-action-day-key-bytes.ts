import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key-action days' unique key becomes a unique index led by the user, whose user and action compare as bytes
 * (COLLATE "C"): the same rows are unique (the database's collations are deterministic, so equal strings are equal
 * bytes), and a backfill, which builds the key again after filling the emptied table, sorted 1.9 million rows by three
 * strings compared by the locale, most of them equal in their first two (100 tenants, a few actions): 5.5 s at scale 1.
 * Led by the user, most comparisons end at the first column; as bytes, each is a memcmp (docs/performance.md,
 * "Key-action days"). The probes for a user's previous day with an action, the key's reader, compare as bytes too
 * (key-action-days.sql.ts). `tenant_id` keeps the table's collation: a unique index of a table hash-partitioned by
 * tenant must compare the partition key as the partitioning does.
 */
export class KeyActionDayKeyBytes1765483200000 implements MigrationInterface {
  name = 'KeyActionDayKeyBytes1765483200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE metrics_key_action_day DROP CONSTRAINT metrics_key_action_day_key');
    await db.query(`
      CREATE UNIQUE INDEX metrics_key_action_day_key ON metrics_key_action_day
        (user_id COLLATE "C", tenant_id, action COLLATE "C", day) NULLS NOT DISTINCT`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX metrics_key_action_day_key');
    await db.query(`
      ALTER TABLE metrics_key_action_day
        ADD CONSTRAINT metrics_key_action_day_key UNIQUE NULLS NOT DISTINCT (tenant_id, action, user_id, day)`);
  }
}
