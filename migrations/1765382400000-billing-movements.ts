import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stored billing movements (docs/performance.md, "Stored billing movements"): every customer's MRR movement of
 * every local day, rebuilt whole by a compute run (libs/metrics/src/sql/billing-movements.sql.ts), so a summary reads
 * its range's NRR and GRR movements instead of deriving them from the ledger. Derived data: empty here, the next
 * compute run builds it.
 *
 * The coverage row names how the movements were built (timezone, reporting currency, rates). A statement trigger on
 * the ledger, and on customers' tenants, deletes it with any change: readers then derive the movements from the ledger
 * as before, whoever wrote (the module's services, a script, a host's own SQL), until the next run rebuilds them.
 * The trigger takes a shared advisory lock first, which a rebuild takes exclusively: a rebuild waits for the writes
 * whose trigger ran and holds back those whose trigger has not, so none can slip between a rebuild's reads and its
 * coverage (libs/metrics/src/repositories/billing-movements.repository.ts).
 */
export class BillingMovements1765382400000 implements MigrationInterface {
  name = 'BillingMovements1765382400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_billing_movement (
        tenant_id varchar(255),
        customer_id varchar(255) NOT NULL,
        day date NOT NULL,
        mrr_before numeric NOT NULL,
        mrr_after numeric NOT NULL,
        had_mrr boolean NOT NULL,
        paying_since date
      )`);
    // A range's movements by day, with every column its NRR and GRR facts read: an index-only scan.
    await db.query(`
      CREATE INDEX metrics_billing_movement_day ON metrics_billing_movement (day)
      INCLUDE (tenant_id, mrr_before, mrr_after, paying_since)`);
    await db.query(`
      CREATE TABLE metrics_billing_movement_coverage (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        timezone varchar(64) NOT NULL,
        currency varchar(3) NOT NULL,
        rates jsonb NOT NULL,
        built_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION metrics_billing_movements_stale() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Shared: writers never wait on one another here, only on a rebuild (which takes this lock exclusively).
        PERFORM pg_advisory_xact_lock_shared(hashtext('exec-metrics:billing-movements'));
        DELETE FROM metrics_billing_movement_coverage;
        RETURN NULL;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER metrics_revenue_ledger_moves
      AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON metrics_revenue_ledger
      FOR EACH STATEMENT EXECUTE FUNCTION metrics_billing_movements_stale()`);
    await db.query(`
      CREATE TRIGGER metrics_billing_customer_moves
      AFTER UPDATE OF tenant_id OR DELETE OR TRUNCATE ON metrics_billing_customer
      FOR EACH STATEMENT EXECUTE FUNCTION metrics_billing_movements_stale()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER metrics_billing_customer_moves ON metrics_billing_customer');
    await db.query('DROP TRIGGER metrics_revenue_ledger_moves ON metrics_revenue_ledger');
    await db.query('DROP FUNCTION metrics_billing_movements_stale()');
    await db.query('DROP TABLE metrics_billing_movement_coverage');
    await db.query('DROP TABLE metrics_billing_movement');
  }
}
