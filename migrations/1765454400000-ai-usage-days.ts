import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The AI usage days (docs/performance.md, "AI usage days"): the AI events summed per local day and model, for the
 * global view (`is_global`, every event) and per tenant, with the days they hold exactly (coverage). A summary reads
 * a range's AI usage per model from them instead of the range's events. Derived data: the compute folds the days it
 * computes, and empties them when the timezone or the AI relation changes, so a backup may leave them out
 * (docs/backups.md). One row per tenant, day and model (~330,000 at scale 1), so it is not partitioned.
 *
 * Left empty here: the next run folds the days it computes, and a backfill all of its range.
 */
export class AiUsageDays1765454400000 implements MigrationInterface {
  name = 'AiUsageDays1765454400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_ai_usage_day (
        is_global boolean NOT NULL,
        tenant_id varchar,
        day date NOT NULL,
        model varchar NOT NULL,
        tokens numeric NOT NULL,
        cost_usd numeric NOT NULL,
        requests bigint NOT NULL,
        CONSTRAINT metrics_ai_usage_day_key UNIQUE NULLS NOT DISTINCT (day, is_global, tenant_id, model)
      )`);
    await db.query(`
      CREATE TABLE metrics_ai_usage_day_coverage (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        timezone text NOT NULL,
        source text NOT NULL,
        first_day date NOT NULL,
        last_day date NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS metrics_ai_usage_day_coverage');
    await db.query('DROP TABLE IF EXISTS metrics_ai_usage_day');
  }
}
