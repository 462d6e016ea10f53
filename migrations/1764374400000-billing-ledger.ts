import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing: Stripe events stored once by id, customers with their tenant, every known state of each
 * subscription and invoice (keyed by the time it took effect, so events arriving in any order give the same
 * history), and the revenue ledger: each subscription's MRR over time with the cause of every change
 * (manual entries live in the same ledger). The snapshot gains the components NRR and GRR are computed from.
 */
export class BillingLedger1764374400000 implements MigrationInterface {
  name = 'BillingLedger1764374400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_stripe_event (
        id varchar(255) PRIMARY KEY,
        type varchar(100) NOT NULL,
        created_at timestamptz NOT NULL,
        object_id varchar(255),
        customer_id varchar(255),
        outcome varchar(255) NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX metrics_stripe_event_type_created ON metrics_stripe_event (type, created_at)`);
    await db.query(`
      CREATE TABLE metrics_billing_customer (
        id varchar(255) PRIMARY KEY,
        tenant_id varchar(64),
        name varchar(255),
        email varchar(255),
        source varchar(16) NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        state_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX metrics_billing_customer_tenant ON metrics_billing_customer (tenant_id)`);
    await db.query(`
      CREATE TABLE metrics_billing_subscription_state (
        subscription_id varchar(255) NOT NULL,
        valid_from timestamptz NOT NULL,
        source_id varchar(255) NOT NULL,
        rank smallint NOT NULL,
        cause varchar(100) NOT NULL,
        customer_id varchar(255) NOT NULL,
        status varchar(32) NOT NULL,
        currency varchar(3) NOT NULL,
        mrr numeric(20,4) NOT NULL,
        discounted_mrr numeric(20,4) NOT NULL,
        discount_end timestamptz,
        items jsonb NOT NULL,
        PRIMARY KEY (subscription_id, valid_from, source_id)
      )`);
    await db.query(`
      CREATE TABLE metrics_revenue_ledger (
        id bigserial PRIMARY KEY,
        customer_id varchar(255) NOT NULL,
        subscription_id varchar(255) NOT NULL,
        effective_at timestamptz NOT NULL,
        seq integer NOT NULL,
        status varchar(32) NOT NULL,
        currency varchar(3) NOT NULL,
        mrr numeric(20,4) NOT NULL CHECK (mrr >= 0),
        cause varchar(100) NOT NULL,
        source_id varchar(255),
        note text,
        recorded_by varchar(255),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX metrics_revenue_ledger_subscription ON metrics_revenue_ledger (subscription_id, effective_at, seq)`,
    );
    await db.query(
      `CREATE INDEX metrics_revenue_ledger_customer ON metrics_revenue_ledger (customer_id, effective_at)`,
    );
    await db.query(`
      CREATE TABLE metrics_billing_invoice_state (
        invoice_id varchar(255) NOT NULL,
        valid_from timestamptz NOT NULL,
        source_id varchar(255) NOT NULL,
        rank smallint NOT NULL,
        customer_id varchar(255) NOT NULL,
        status varchar(32) NOT NULL,
        currency varchar(3) NOT NULL,
        amount_remaining numeric(20,4) NOT NULL,
        PRIMARY KEY (invoice_id, valid_from, source_id)
      )`);
    await db.query(`
      ALTER TABLE system_metrics_snapshot
        ADD COLUMN mrr_at_start numeric(20,2),
        ADD COLUMN mrr_retained_change numeric(20,2),
        ADD COLUMN mrr_retained_loss numeric(20,2),
        ADD COLUMN mrr_gained numeric(20,2),
        ADD COLUMN mrr_lost numeric(20,2)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE system_metrics_snapshot
        DROP COLUMN IF EXISTS mrr_at_start, DROP COLUMN IF EXISTS mrr_retained_change,
        DROP COLUMN IF EXISTS mrr_retained_loss, DROP COLUMN IF EXISTS mrr_gained, DROP COLUMN IF EXISTS mrr_lost`);
    for (const table of [
      'metrics_billing_invoice_state',
      'metrics_revenue_ledger',
      'metrics_billing_subscription_state',
      'metrics_billing_customer',
      'metrics_stripe_event',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
