/**
 * The stored billing movements (docs/performance.md, "Stored billing movements"): every customer's MRR movement of
 * every local day, as billing-facts.ts derives them from the whole ledger, kept in `metrics_billing_movement` so a
 * summary reads its range's NRR and GRR movements by day instead of deriving them from the moving customers' history.
 *
 * A movement depends only on the ledger rows up to its day, their customers' tenants and how amounts are reported
 * (the timezone of local days, the reporting currency and its rates). So the table is rebuilt whole, and its one
 * coverage row names the timezone, currency and rates it was built in. Any change to the ledger or to a customer's
 * tenant deletes that row (a statement trigger, migrations/1765382400000-billing-movements.ts): from then on readers
 * derive the movements as before, until the next compute run rebuilds them.
 * Parameters: :tz, :currency, :rates (jsonb text).
 */
import { billingCtes, MOVEMENT_COLUMNS } from './billing-facts.js';

/**
 * The lock a rebuild takes exclusively and the ledger's trigger shared (the migration names the same key): a rebuild
 * starts once every write whose trigger ran has committed, and a write whose trigger runs later waits for the rebuild
 * to commit and then deletes its coverage. Writers do not wait on one another, and no table is locked: a run's
 * `ANALYZE` of the ledger and a rebuild cannot deadlock.
 */
export const REBUILD_LOCK = `SELECT pg_advisory_xact_lock(hashtext('exec-metrics:billing-movements'))`;

export const billingMovementsSql = {
  /**
   * The whole ledger's movements, every day (the work range's end pushed past any row), without the days whose
   * changes cancel out: no reader counts them, and the paying streak each row carries is found before they are left out.
   */
  rebuild: [
    'TRUNCATE metrics_billing_movement',
    'DELETE FROM metrics_billing_movement_coverage',
    `INSERT INTO metrics_billing_movement (${MOVEMENT_COLUMNS})
    WITH ${billingCtes('history').join(',\n')}
    SELECT ${MOVEMENT_COLUMNS} FROM billing_movements WHERE mrr_after <> mrr_before`,
    `INSERT INTO metrics_billing_movement_coverage (singleton, timezone, currency, rates, built_at)
    VALUES (true, :tz, :currency, :rates::jsonb, now())`,
  ],

  /** Whether the stored movements hold every day for readers in timezone :tz reporting in :currency at :rates. */
  holds: `SELECT EXISTS (
      SELECT 1 FROM metrics_billing_movement_coverage
      WHERE timezone = :tz AND currency = :currency AND rates = :rates::jsonb) AS holds`,
};

/** The parameters of the rebuild with the whole ledger as its work range. */
export const WHOLE_LEDGER = { tenant: null, w0: '0001-01-01', w1: '9999-12-30' } as const;
