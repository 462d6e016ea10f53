import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each stored cohort row was computed for (docs/performance.md, "Per-user activity state", reader 3): the
 * `as_of` that decided which of its weeks are shown, and the inputs its values depend on (the timezone, the
 * activity and lifecycle relations read, the definition's version). A run recomputes a cohort month only when a
 * stored row of it could differ from a full recompute; a row without them (written before) is always recomputed.
 */
export class CohortComputedFor1765310400000 implements MigrationInterface {
  name = 'CohortComputedFor1765310400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE system_cohort_retention
        ADD COLUMN computed_as_of timestamptz,
        ADD COLUMN computed_inputs text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE system_cohort_retention DROP COLUMN computed_inputs, DROP COLUMN computed_as_of`);
  }
}
