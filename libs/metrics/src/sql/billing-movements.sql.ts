/**
 * The stored billing movements (docs/performance.md, "Stored billing movements"): every customer's MRR movement of
 * every local day, as billing-facts.ts derives them from the whole ledger, kept in `metrics_billing_movement` so a
 * summary reads its range's NRR and GRR movements by day instead of deriving them from the moving customers' history.
 *
 * A customer's movements depend only on its own ledger rows, its tenant and how amounts are reported (the timezone of
 * local days, the reporting currency and its rates). So the one coverage row names the timezone, currency and rates
 * the movements were built in, and triggers on the ledger and on customers' tenants
 * (migrations/1765382400000-billing-movements.ts) name every customer a write touches in
 * `metrics_billing_movement_stale`; emptying either table drops the coverage. A run derives the stale customers'
 * movements again, or every customer's when the coverage is missing or names other terms. A reader uses the table
 * only when the coverage names its terms and no customer is stale.
 * Parameters: :tz, :currency, :rates (jsonb text).
 */
import { billingCtes, MOVEMENT_COLUMNS, type LedgerRows } from './billing-facts.js';

/**
 * The lock a rebuild takes exclusively and the triggers shared (the migration names the same key): a rebuild starts
 * once every write whose trigger ran has committed, and a write whose trigger runs later waits for the rebuild to
 * commit and then names its customer stale. Writers do not wait on one another, and no table is locked: a run's
 * `ANALYZE` of the ledger and a rebuild cannot deadlock.
 */
export const REBUILD_LOCK = `SELECT pg_advisory_xact_lock(hashtext('exec-metrics:billing-movements'))`;

/**
 * The movements of every customer the ledger rows read (`history`: all; `stale`: the stale ones) over every day (the
 * work range's end pushed past any row), without the days whose changes cancel out: no reader counts them, and the
 * paying streak each row carries is found before they are left out. Written in day order, so a range's rows lie on
 * few pages (a month of every tenant at scale 1: 2,123 rows on 503 of the table's 511 pages in customer order).
 */
const insertMovements = (ledger: LedgerRows) => `INSERT INTO metrics_billing_movement (${MOVEMENT_COLUMNS})
    WITH ${billingCtes(ledger).join(',\n')}
    SELECT ${MOVEMENT_COLUMNS} FROM billing_movements WHERE mrr_after <> mrr_before
    ORDER BY day`;

export const billingMovementsSql = {
  /** Whether the coverage names these terms: `stale` says whether some customer's movements are stale. */
  coverage: `SELECT EXISTS (SELECT 1 FROM metrics_billing_movement_stale) AS stale
    FROM metrics_billing_movement_coverage
    WHERE timezone = :tz AND currency = :currency AND rates = :rates::jsonb`,

  /** Every customer's movements built again, in these terms. */
  rebuildAll: [
    'TRUNCATE metrics_billing_movement, metrics_billing_movement_stale',
    'DELETE FROM metrics_billing_movement_coverage',
    insertMovements('history'),
    `INSERT INTO metrics_billing_movement_coverage (singleton, timezone, currency, rates, built_at)
    VALUES (true, :tz, :currency, :rates::jsonb, now())`,
  ],

  /** The stale customers' movements built again (the coverage names these terms); then none is stale. */
  rebuildStale: [
    `DELETE FROM metrics_billing_movement
    WHERE customer_id IN (SELECT customer_id FROM metrics_billing_movement_stale)`,
    insertMovements('stale'),
    'DELETE FROM metrics_billing_movement_stale',
    'UPDATE metrics_billing_movement_coverage SET built_at = now()',
  ],

  /** Whether the stored movements hold every customer's movements for a reader in these terms. */
  holds: `SELECT EXISTS (
      SELECT 1 FROM metrics_billing_movement_coverage
      WHERE timezone = :tz AND currency = :currency AND rates = :rates::jsonb
        AND NOT EXISTS (SELECT 1 FROM metrics_billing_movement_stale)) AS holds`,
};

/** The parameters of a rebuild: the whole ledger as its work range. */
export const WHOLE_LEDGER = { tenant: null, w0: '0001-01-01', w1: '9999-12-30' } as const;
