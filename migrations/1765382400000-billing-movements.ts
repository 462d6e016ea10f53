import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stored billing movements (docs/performance.md, "Stored billing movements"): every customer's MRR movement of
 * every local day, kept by the compute runs (libs/metrics/src/sql/billing-movements.sql.ts), so a summary reads its
 * range's NRR and GRR movements instead of deriving them from the ledger. Derived data: empty here, the next compute
 * run builds it.
 *
 * The coverage row names how the movements were built (timezone, reporting currency, rates). Row triggers on the
 * ledger and on customers' tenants name every customer a write touches as stale, whoever wrote (the module's services,
 * a script, a host's own SQL); emptying either table drops the coverage. While a customer is stale, readers derive
 * the movements from the ledger as before; the next run derives the stale customers' movements again (or all of them).
 * The triggers take a shared advisory lock first, which a rebuild takes exclusively: a rebuild waits for the writes
 * whose trigger ran and holds back those whose trigger has not, so none can slip between a rebuild's reads and its
 * bookkeeping (libs/metrics/src/repositories/billing-movements.repository.ts).
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
    // Customers whose stored movements may be stale: the next run derives theirs again, and until then a reader
    // derives every movement from the ledger.
    await db.query(`CREATE TABLE metrics_billing_movement_stale (customer_id varchar(255) PRIMARY KEY)`);
    await db.query(`
      CREATE FUNCTION metrics_billing_movement_customer_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Shared: writers never wait on one another here, only on a rebuild (which takes this lock exclusively).
        PERFORM pg_advisory_xact_lock_shared(hashtext('exec-metrics:billing-movements'));
        IF TG_TABLE_NAME = 'metrics_billing_customer' THEN
          INSERT INTO metrics_billing_movement_stale (customer_id) VALUES (OLD.id) ON CONFLICT DO NOTHING;
        ELSE
          IF TG_OP <> 'INSERT' THEN
            INSERT INTO metrics_billing_movement_stale (customer_id) VALUES (OLD.customer_id) ON CONFLICT DO NOTHING;
          END IF;
          IF TG_OP <> 'DELETE' THEN
            INSERT INTO metrics_billing_movement_stale (customer_id) VALUES (NEW.customer_id) ON CONFLICT DO NOTHING;
          END IF;
        END IF;
        RETURN NULL;
      END
      $$`);
    await db.query(`
      CREATE FUNCTION metrics_billing_movements_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(hashtext('exec-metrics:billing-movements'));
        DELETE FROM metrics_billing_movement_coverage;
        RETURN NULL;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER metrics_revenue_ledger_moves AFTER INSERT OR UPDATE OR DELETE ON metrics_revenue_ledger
      FOR EACH ROW EXECUTE FUNCTION metrics_billing_movement_customer_changed()`);
    await db.query(`
      CREATE TRIGGER metrics_billing_customer_moves AFTER UPDATE OF tenant_id ON metrics_billing_customer
      FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
      EXECUTE FUNCTION metrics_billing_movement_customer_changed()`);
    // A customer's ledger rows count only with their customer (billing-facts.ts joins them).
    await db.query(`
      CREATE TRIGGER metrics_billing_customer_removed AFTER DELETE ON metrics_billing_customer
      FOR EACH ROW EXECUTE FUNCTION metrics_billing_movement_customer_changed()`);
    await db.query(`
      CREATE TRIGGER metrics_revenue_ledger_emptied AFTER TRUNCATE ON metrics_revenue_ledger
      FOR EACH STATEMENT EXECUTE FUNCTION metrics_billing_movements_emptied()`);
    await db.query(`
      CREATE TRIGGER metrics_billing_customer_emptied AFTER TRUNCATE ON metrics_billing_customer
      FOR EACH STATEMENT EXECUTE FUNCTION metrics_billing_movements_emptied()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER metrics_billing_customer_emptied ON metrics_billing_customer');
    await db.query('DROP TRIGGER metrics_revenue_ledger_emptied ON metrics_revenue_ledger');
    await db.query('DROP TRIGGER metrics_billing_customer_removed ON metrics_billing_customer');
    await db.query('DROP TRIGGER metrics_billing_customer_moves ON metrics_billing_customer');
    await db.query('DROP TRIGGER metrics_revenue_ledger_moves ON metrics_revenue_ledger');
    await db.query('DROP FUNCTION metrics_billing_movements_emptied()');
    await db.query('DROP FUNCTION metrics_billing_movement_customer_changed()');
    await db.query('DROP TABLE metrics_billing_movement_stale');
    await db.query('DROP TABLE metrics_billing_movement_coverage');
    await db.query('DROP TABLE metrics_billing_movement');
  }
}
