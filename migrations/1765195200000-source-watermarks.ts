import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The latest time seen in each host `sources` relation at the schedule's last check: rows that arrive above it for
 * days already computed mark those days for the catch-up (docs/host-integration.md, "Late rows").
 */
export class SourceWatermarks1765195200000 implements MigrationInterface {
  name = 'SourceWatermarks1765195200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE metrics_source_watermark (
      source varchar(32) PRIMARY KEY,
      relation text NOT NULL,
      high_water timestamptz NOT NULL,
      checked_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS metrics_source_watermark');
  }
}
