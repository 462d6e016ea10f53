import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Configuration for operations, AI and financials: the AI price table (model → USD per million input and output
 * tokens, used when a host records tokens without a cost) and the outstanding invoices an admin enters while
 * billing is not connected.
 */
export class OpsAiFinancials1764460800000 implements MigrationInterface {
  name = 'OpsAiFinancials1764460800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE system_metrics_config
        ADD COLUMN ai_prices jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN outstanding_invoices_count integer CHECK (outstanding_invoices_count >= 0),
        ADD COLUMN outstanding_invoices_value numeric(20,2) CHECK (outstanding_invoices_value >= 0)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE system_metrics_config
        DROP COLUMN IF EXISTS outstanding_invoices_value,
        DROP COLUMN IF EXISTS outstanding_invoices_count,
        DROP COLUMN IF EXISTS ai_prices`);
  }
}
