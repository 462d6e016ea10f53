import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for what a cold summary reads on every request (docs/performance-history.md, "2026-12-04 (fifth session)"):
 *
 * - `metrics_revenue_ledger_at`: the customers with a ledger row in the range (the NRR/GRR movements read only
 *   theirs), from the index alone instead of a scan of the whole ledger.
 * - `metrics_ai_usage_event_at_usage`: AI usage per model over the range, from the index alone. It carries every
 *   column a reader of a range of AI usage needs and replaces `metrics_ai_usage_event_at` (same leading column), so
 *   an AI usage event still updates two indexes. Index-only reads need the visibility map (autovacuum).
 * - `metrics_revenue_ledger_currency`, `metrics_billing_invoice_state_currency`: the currencies revenue was
 *   recorded in (the summary names those without a rate), one index probe per currency instead of a scan.
 */
export class ColdSummaryIndexes1765353600000 implements MigrationInterface {
  name = 'ColdSummaryIndexes1765353600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX metrics_revenue_ledger_at ON metrics_revenue_ledger (effective_at) INCLUDE (customer_id)`,
    );
    await db.query(`CREATE INDEX metrics_revenue_ledger_currency ON metrics_revenue_ledger (currency)`);
    await db.query(`CREATE INDEX metrics_billing_invoice_state_currency ON metrics_billing_invoice_state (currency)`);
    await db.query(
      `CREATE INDEX metrics_ai_usage_event_at_usage ON metrics_ai_usage_event (occurred_at)
         INCLUDE (tenant_id, model, input_tokens, output_tokens, cost_usd)`,
    );
    await db.query('DROP INDEX IF EXISTS metrics_ai_usage_event_at');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX metrics_ai_usage_event_at ON metrics_ai_usage_event (occurred_at)`);
    await db.query('DROP INDEX IF EXISTS metrics_ai_usage_event_at_usage');
    await db.query('DROP INDEX IF EXISTS metrics_billing_invoice_state_currency');
    await db.query('DROP INDEX IF EXISTS metrics_revenue_ledger_currency');
    await db.query('DROP INDEX IF EXISTS metrics_revenue_ledger_at');
  }
}
