import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

export type ReadQuery = <T = Record<string, unknown>>(
  sql: string,
  params?: unknown[],
  prepareAs?: string,
) => Promise<T[]>;

/** Whether the data source was given a read replica (`readReplicaUrl`: TypeORM replication, primary by default). */
export function hasReadReplica(dataSource: DataSource): boolean {
  return Boolean((dataSource.options as { replication?: unknown }).replication);
}

/**
 * Runs the dashboard's reads on one connection of the read replica, or of the primary when there is none; in one
 * transaction when asked (statements that `SET LOCAL`). Only snapshot and source reads go here: everything that
 * writes (audit records, computations, configuration) or must see its own writes stays on the primary.
 *
 * A query asked to be prepared (`prepareAs`) is parsed once per connection under that name. Behind a pooler that
 * hands a transaction any server connection (PgBouncer in transaction mode without its prepared-statement support),
 * a name prepared on one server connection is missing on another, or already taken: the read is then run again
 * without preparing, and this data source never prepares again.
 */
export async function withReadConnection<T>(
  dataSource: DataSource,
  work: (query: ReadQuery) => Promise<T>,
  transaction = false,
): Promise<T> {
  const prepares = !UNPREPARED.has(dataSource);
  try {
    return await readOnce(dataSource, work, transaction, prepares);
  } catch (error) {
    if (!prepares || !PREPARED_STATEMENT_LOST.has((error as { code?: string }).code ?? '')) throw error;
    UNPREPARED.add(dataSource);
    return readOnce(dataSource, work, transaction, false);
  }
}

/** The data sources whose connections do not keep prepared statements (see withReadConnection). */
const UNPREPARED = new WeakSet<DataSource>();

/** A prepared statement missing on the server connection (26000), or its name taken there (42P05). */
const PREPARED_STATEMENT_LOST = new Set(['26000', '42P05']);

async function readOnce<T>(
  dataSource: DataSource,
  work: (query: ReadQuery) => Promise<T>,
  transaction: boolean,
  prepares: boolean,
): Promise<T> {
  const runner = dataSource.createQueryRunner(hasReadReplica(dataSource) ? 'slave' : 'master');
  try {
    if (transaction) await runner.startTransaction();
    const result = await work((sql, params, prepareAs) =>
      prepareAs && prepares ? runner.query(preparedQuery(prepareAs, sql, params)) : runner.query(sql, params),
    );
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

/**
 * A query the driver prepares once per connection under `name` (node-postgres's query config; the embedded driver
 * accepts it too). TypeORM hands its first argument to the driver as it is, so the config passes through it typed
 * as the text it usually is.
 */
function preparedQuery(name: string, text: string, values: unknown[] | undefined): string {
  return { name, text, values } as unknown as string;
}
