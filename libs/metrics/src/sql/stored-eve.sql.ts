import { METRIC_CATALOG } from '../catalog/metric-catalog.js';
import { FACTS, FACT_SQL_TYPE, type FactQueryName } from '../catalog/facts/fact-registry.js';
import { EVE } from './sql-fragments.js';

/** The table of the stored daily work (daily-work-store.sql.ts): every scope's work row of a complete day, as jsonb. */
export const DAILY_WORK_TABLE = 'metrics_daily_work';

/** Days of each rolling window: a user active on day x counts in it on the days [x, x + days − 1]. */
export const WINDOW_DAYS = { wau_window: 7, mau_window: 30 } as const;

/**
 * The running totals whose eve a run that builds its own days only may take from the stored row of that eve
 * (docs/performance.md, "The eve from the stored day"):
 * - `billing`: the ledger's stocks (MRR, ARR, paying customers, active and past-due subscriptions); the ledger is then
 *   read for the customers moving in the work range only, not sorted whole to fold its history;
 * - `windows`: WAU and MAU; the lookback is then read for the users whose windows change in the work range only, not
 *   for every user active in the 30 days before it;
 * - `lifecycle`: the users and all signups to date; the per-user lifecycle state is then read for the users with a
 *   transition read only (their state before it), not summed whole per tenant (STATE_EVE_SQL: ~40 ms of a night at
 *   scale 1, over 192,806 users).
 */
export type StoredEvePart = 'billing' | 'windows' | 'lifecycle';

/** The fact queries whose rows before the work range the stored eve replaces, by part. */
export const STORED_EVE_QUERIES: Readonly<Record<StoredEvePart, readonly FactQueryName[]>> = {
  billing: ['billing_movements', 'billing_subscriptions'],
  windows: ['wau_window', 'mau_window'],
  lifecycle: ['lifecycle_transitions'],
};

/** The fact queries of the parts taken from the stored eve. */
export function storedEveQueries(parts: readonly StoredEvePart[]): FactQueryName[] {
  return parts.flatMap((part) => STORED_EVE_QUERIES[part]);
}

/** Each running-total fact of those queries, with the work metric that is its stock (its `cumulative` rule). */
function storedStocks(parts: readonly StoredEvePart[]): { fact: string; metric: string }[] {
  const queries = storedEveQueries(parts);
  return METRIC_CATALOG.flatMap((metric) => {
    if (!('cumulative' in metric.daily)) return [];
    const fact = metric.daily.cumulative;
    const query = FACTS.find((candidate) => candidate.name === fact)?.query;
    return query && queries.includes(query) ? [{ fact, metric: metric.key }] : [];
  });
}

/** The facts the stored eve gives (the columns of storedEveSql). */
export function storedEveFacts(parts: readonly StoredEvePart[]): string[] {
  return storedStocks(parts).map((stock) => stock.fact);
}

/**
 * The eve's stocks as fact rows (tenant_id, day = the eve, one column per stock's fact), from the stored row of the
 * eve: each tenant's own, and the rest of the global view's (global minus the tenants') as data of no tenant, which
 * counts in the global view only.
 *
 * A tenant's row is given only when one of its stocks is not zero: it then has ledger rows, or users active in the 30
 * days before the work range, so a run that reads the history (or every lookback user) gives it a row on the eve too
 * and its scope is the same either way. A tenant whose stocks are all zero gets no row; when nothing else of it shows
 * in the run's days, its scope is missing from them, the stored days' scopes differ (storedScopesMatch) and the run
 * computes its whole work range from the history.
 */
export function storedEveSql(parts: readonly StoredEvePart[]): string {
  const stocks = storedStocks(parts);
  const value = (stock: { fact: string; metric: string }) =>
    `(work ->> '${stock.metric}')::${FACT_SQL_TYPE[stock.fact as keyof typeof FACT_SQL_TYPE]} AS ${stock.fact}`;
  return `WITH stored_stocks AS (
          SELECT is_global, tenant_id, ${stocks.map(value).join(', ')}
          FROM ${DAILY_WORK_TABLE} WHERE environment = :env AND day = ${EVE}),
        given AS (
          SELECT * FROM stored_stocks
          WHERE is_global OR ${stocks.map((stock) => `coalesce(${stock.fact}, 0) <> 0`).join(' OR ')})
        SELECT tenant_id, ${EVE} AS day, ${stocks.map((stock) => stock.fact).join(', ')}
        FROM given WHERE NOT is_global
        UNION ALL
        SELECT NULL, ${EVE}, ${stocks
          .map((stock) => `sum(CASE WHEN is_global THEN ${stock.fact} ELSE -${stock.fact} END)`)
          .join(', ')}
        FROM given`;
}
