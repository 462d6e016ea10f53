import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Annotations: an admin marks a day ("pricing change", "launch") and every chart shows it. A tenant's annotation
 * shows in that tenant's view, one without a tenant in every view.
 */
export class Annotations1764892800000 implements MigrationInterface {
  name = 'Annotations1764892800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_annotation (
        id bigserial PRIMARY KEY,
        environment varchar(64) NOT NULL,
        tenant_id varchar(64),
        day date NOT NULL,
        label varchar(80) NOT NULL CHECK (length(btrim(label)) > 0),
        created_by varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX metrics_annotation_day ON metrics_annotation (environment, day)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE metrics_annotation`);
  }
}
