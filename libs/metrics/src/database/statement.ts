import { compileSql } from './named-sql.js';

/**
 * A statement as a repository writes it: SQL with named parameters (`:name`) and their values. Repositories
 * build them with pure functions, so `npm run sql:generate` renders the same text into docs/sql/ for review.
 */
export interface Statement {
  sql: string;
  params: Record<string, unknown>;
}

/** Anything that runs positional SQL: a DataSource, an EntityManager, a read connection's query. */
export type RunsSql = (text: string, values: unknown[]) => Promise<unknown>;

/** Compiles the statement's named parameters to `$n` and runs it. */
export async function run<T = Record<string, unknown>>(query: RunsSql, statement: Statement): Promise<T[]> {
  const compiled = compileSql(statement.sql, statement.params);
  return (await query(compiled.text, compiled.values)) as T[];
}
