import { METRIC_CATALOG } from '../catalog/metric-catalog.js';
import { FACTS, FACT_SQL_TYPE, type FactQueryName } from '../catalog/facts/fact-registry.js';
import { quoteIdent } from '../database/named-sql.js';
import { EVE } from './sql-fragments.js';

/** The table of the stored daily work (daily-work-store.sql.ts): every scope's work row of a complete day, as jsonb. */
export const DAILY_WORK_TABLE = 'metrics_daily_work';

/**
 * Where the daily work's billing stocks start (docs/performance.md, "The billing eve from the stored day"):
 * - `history`: the whole ledger is read and every change before the work range folds into its eve;
 * - `stored`: the stored work row of the eve (the day before :w0) gives each scope's stocks, and the ledger is read
 *   for the customers moving in the work range only. Only when that row is stored and exact (a one-day run whose
 *   earlier days come from the store) and billing is connected (else the stocks are configuration values).
 */
export type BillingEve = 'history' | 'stored';

/** The fact queries over the ledger whose history the stored eve replaces (their stocks are in the stored row). */
export const STORED_EVE_QUERIES: readonly FactQueryName[] = ['billing_movements', 'billing_subscriptions'];

/** Each running-total fact of those queries, with the work metric that is its stock (its `cumulative` rule). */
function storedStocks(): { fact: string; metric: string }[] {
  return METRIC_CATALOG.flatMap((metric) => {
    if (!('cumulative' in metric.daily)) return [];
    const fact = metric.daily.cumulative;
    const query = FACTS.find((candidate) => candidate.name === fact)?.query;
    return query && STORED_EVE_QUERIES.includes(query) ? [{ fact, metric: metric.key }] : [];
  });
}

/**
 * The eve's stocks as fact rows (tenant_id, day = the eve, one column per stock's fact), from the stored row of the
 * eve: each tenant's own, and the rest of the global view's (global minus the tenants') as billing of no tenant.
 *
 * A tenant's row is given only when one of its stocks is not zero: such a tenant has ledger rows, so the history
 * would have given it a row on the eve too and its scope is the same either way. A tenant whose stocks are all zero
 * but has a ledger gets no row; when nothing else of its shows in the run's days, its scope is missing from them,
 * the stored days' scopes differ (storedScopesMatch) and the run computes its whole work range from the history.
 */
export function storedBillingEveSql(): string {
  const stocks = storedStocks();
  const value = (stock: { fact: string; metric: string }) =>
    `(work ->> '${stock.metric}')::${FACT_SQL_TYPE[stock.fact as keyof typeof FACT_SQL_TYPE]} AS ${quoteIdent(stock.fact)}`;
  return `WITH stored_stocks AS (
          SELECT is_global, tenant_id, ${stocks.map(value).join(', ')}
          FROM ${DAILY_WORK_TABLE} WHERE environment = :env AND day = ${EVE}),
        given AS (
          SELECT * FROM stored_stocks
          WHERE is_global OR ${stocks.map((stock) => `coalesce(${quoteIdent(stock.fact)}, 0) <> 0`).join(' OR ')})
        SELECT tenant_id, ${EVE} AS day, ${stocks.map((stock) => quoteIdent(stock.fact)).join(', ')}
        FROM given WHERE NOT is_global
        UNION ALL
        SELECT NULL, ${EVE}, ${stocks
          .map((stock) => `sum(CASE WHEN is_global THEN ${quoteIdent(stock.fact)} ELSE -${quoteIdent(stock.fact)} END)`)
          .join(', ')}
        FROM given`;
}

/** The facts the stored eve gives (the columns of storedBillingEveSql). */
export function storedEveFacts(): string[] {
  return storedStocks().map((stock) => stock.fact);
}
