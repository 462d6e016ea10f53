import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Revenue as finance teams count it (issue 17): the conventions the configuration chooses (which discounts reduce
 * MRR, when a past-due subscription churns, whether the quick ratio counts reactivation), the investor metrics
 * (new and churned paying customers, logo churn, net MRR churn, MRR growth, average sale price, LTV) with the
 * components their ratios are recomputed from, and alerts of the kind `reconciliation` (MRR at start + net new MRR
 * must equal MRR at the end).
 *
 * Ledgers stored before keep their numbers under the new default: their discounts carry no coupon duration, and a
 * discount without one counts as it did before (see subscription-mrr.ts, durationOf).
 */
export class RevenueConventions1764979200000 implements MigrationInterface {
  name = 'RevenueConventions1764979200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE system_metrics_config
        ADD COLUMN mrr_discounts varchar(16) NOT NULL DEFAULT 'recurring'
          CHECK (mrr_discounts IN ('recurring', 'all', 'forever_only', 'none')),
        ADD COLUMN past_due_churn_after_days integer
          CHECK (past_due_churn_after_days BETWEEN 1 AND 365),
        ADD COLUMN quick_ratio_includes_reactivation boolean NOT NULL DEFAULT true`);
    await db.query(`
      ALTER TABLE system_metrics_snapshot
        ADD COLUMN new_paying_customers integer,
        ADD COLUMN paying_customers_churned integer,
        ADD COLUMN paying_at_start integer,
        ADD COLUMN paying_retained_lost integer,
        ADD COLUMN logo_churn_rate numeric(12,2),
        ADD COLUMN net_mrr_churn_rate numeric(12,2),
        ADD COLUMN mrr_growth_rate numeric(12,2),
        ADD COLUMN average_sale_price numeric(20,2),
        ADD COLUMN ltv numeric(20,2)`);
    await db.query(`
      ALTER TABLE metrics_alert DROP CONSTRAINT IF EXISTS metrics_alert_kind_check,
        ADD CONSTRAINT metrics_alert_kind_check CHECK (kind IN ('threshold', 'anomaly', 'reconciliation'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM metrics_alert_delivery
      WHERE alert_id IN (SELECT id FROM metrics_alert WHERE kind = 'reconciliation')`);
    await db.query(`DELETE FROM metrics_alert WHERE kind = 'reconciliation'`);
    await db.query(`
      ALTER TABLE metrics_alert DROP CONSTRAINT IF EXISTS metrics_alert_kind_check,
        ADD CONSTRAINT metrics_alert_kind_check CHECK (kind IN ('threshold', 'anomaly'))`);
    await db.query(`
      ALTER TABLE system_metrics_snapshot
        DROP COLUMN IF EXISTS new_paying_customers, DROP COLUMN IF EXISTS paying_customers_churned,
        DROP COLUMN IF EXISTS paying_at_start, DROP COLUMN IF EXISTS paying_retained_lost,
        DROP COLUMN IF EXISTS logo_churn_rate, DROP COLUMN IF EXISTS net_mrr_churn_rate,
        DROP COLUMN IF EXISTS mrr_growth_rate, DROP COLUMN IF EXISTS average_sale_price, DROP COLUMN IF EXISTS ltv`);
    await db.query(`
      ALTER TABLE system_metrics_config
        DROP COLUMN IF EXISTS quick_ratio_includes_reactivation,
        DROP COLUMN IF EXISTS past_due_churn_after_days,
        DROP COLUMN IF EXISTS mrr_discounts`);
  }
}
