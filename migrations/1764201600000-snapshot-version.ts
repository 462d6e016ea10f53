import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A counter per environment, bumped by every compute: cached reads are valid while it stands still. */
export class SnapshotVersion1764201600000 implements MigrationInterface {
  name = 'SnapshotVersion1764201600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_snapshot_version (
        environment varchar(64) PRIMARY KEY,
        version bigint NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS metrics_snapshot_version');
  }
}
