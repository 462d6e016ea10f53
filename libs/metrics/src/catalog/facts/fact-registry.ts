import { RUNNING_TOTAL_QUERIES, type FactDefinition, type FactQueryName, type FactSqlType } from './fact.types.js';
import { USAGE_FACTS } from './usage-facts.js';
import { REVENUE_FACTS } from './revenue-facts.js';

export { RUNNING_TOTAL_QUERIES, type FactDefinition, type FactQueryName, type FactSqlType } from './fact.types.js';

/** The one fact registry: every per-day fact, the host sources' and the billing ledger's (fact.types.ts). */
export const FACTS = [...USAGE_FACTS, ...REVENUE_FACTS] as const satisfies readonly FactDefinition[];

export type FactName = (typeof FACTS)[number]['name'];

/** Facts whose running total is a stock (their query folds history into the eve): what `cumulative` may name. */
export type RunningTotalFactName = Extract<
  (typeof FACTS)[number],
  { query: (typeof RUNNING_TOTAL_QUERIES)[number] }
>['name'];

export function foldsHistory(query: FactQueryName): boolean {
  return (RUNNING_TOTAL_QUERIES as readonly string[]).includes(query);
}

export const FACT_NAMES: readonly FactName[] = FACTS.map((fact) => fact.name);

export const FACT_SQL_TYPE = Object.fromEntries(FACTS.map((fact) => [fact.name, fact.sqlType])) as Readonly<
  Record<FactName, FactSqlType>
>;

const byName = new Map<string, FactDefinition>(FACTS.map((fact) => [fact.name, fact]));

export function findFact(name: string): FactDefinition | undefined {
  return byName.get(name);
}

/** The facts of one query, in registry order. */
export function factsOfQuery(query: FactQueryName): FactDefinition[] {
  return FACTS.filter((fact) => fact.query === query);
}

/**
 * Facts that only exist per bucket (distinct users do not add up across days; retention needs the bucket's
 * start): compute/sql/bucket-facts.sql.ts and billing-facts.ts compute them, a metric reads one by `bucketFact`.
 * `action:<key action>` counts the users of one configured key action.
 */
export const BUCKET_FACTS = [
  'active_users',
  'mrr_retained_change',
  'mrr_retained_loss',
  'paying_retained_lost',
  // The bucket's AI cost summed from its events (or the AI usage days) unrounded: a range summary's ai_cost_usd,
  // where its stored days hold the cost rounded to the column's 4 decimals.
  'ai_cost_usd_exact',
] as const;

export type BucketFactName = (typeof BUCKET_FACTS)[number] | `action:${string}`;

export function isBucketFact(name: string): boolean {
  return (BUCKET_FACTS as readonly string[]).includes(name) || /^action:.+$/.test(name);
}
