import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

export type ReadQuery = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Whether the data source was given a read replica (`readReplicaUrl`: TypeORM replication, primary by default). */
export function hasReadReplica(dataSource: DataSource): boolean {
  return Boolean((dataSource.options as { replication?: unknown }).replication);
}

/**
 * Runs the dashboard's reads on one connection of the read replica, or of the primary when there is none; in one
 * transaction when asked (statements that `SET LOCAL`). Only snapshot and source reads go here: everything that
 * writes (audit records, computations, configuration) or must see its own writes stays on the primary.
 */
export async function withReadConnection<T>(
  dataSource: DataSource,
  work: (query: ReadQuery) => Promise<T>,
  transaction = false,
): Promise<T> {
  const runner = dataSource.createQueryRunner(hasReadReplica(dataSource) ? 'slave' : 'master');
  try {
    if (transaction) await runner.startTransaction();
    const result = await work((sql, params) => runner.query(sql, params));
    if (transaction) await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

/** One read-only statement, on the read replica when there is one. */
export function readQuery<T = Record<string, unknown>>(
  dataSource: DataSource,
  sql: string,
  params?: unknown[],
): Promise<T[]> {
  return withReadConnection(dataSource, (query) => query<T>(sql, params));
}

/** A raw driver connection of the read replica (the primary when there is none), e.g. for a COPY stream. */
export function obtainReadConnection(dataSource: DataSource): Promise<[unknown, (error?: Error) => void]> {
  const driver = dataSource.driver as PostgresDriver;
  return (hasReadReplica(dataSource) ? driver.obtainSlaveConnection() : driver.obtainMasterConnection()) as Promise<
    [unknown, (error?: Error) => void]
  >;
}
