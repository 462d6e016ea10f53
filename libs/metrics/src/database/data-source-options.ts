import type { DataSourceOptions } from 'typeorm';
import { METRICS_ENTITIES } from '../entities/index.js';
import { METRICS_MIGRATIONS } from '#migrations';
import { createPgliteDriver } from './pglite-driver.js';

export interface MetricsDatabaseOptions {
  /** A PostgreSQL URL; absent: the embedded PGlite database. */
  databaseUrl?: string;
  /**
   * A read replica (hot standby) of `databaseUrl` for the dashboard's reads: summary, timeseries, cohorts, the CSV
   * export, the tenant list and the read cache's version. Everything else, audit records included, uses the primary.
   */
  readReplicaUrl?: string;
  /** Where PGlite keeps its files (default ./.data/pglite); 'memory://' keeps it in memory. */
  pgliteDir?: string;
  /** A schema to work in (created when missing), e.g. to isolate test runs on one server. */
  schema?: string;
  /** Extra entities and migrations of the host. */
  entities?: NonNullable<DataSourceOptions['entities']>;
  migrations?: NonNullable<DataSourceOptions['migrations']>;
}

/**
 * TypeORM options for a data source that holds the metrics tables: on PostgreSQL through `pg`, or on an
 * embedded PGlite when no URL is given. The same SQL runs on both. Migrations run on start.
 */
export function metricsDataSourceOptions(options: MetricsDatabaseOptions = {}): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: [...METRICS_ENTITIES, ...((options.entities as []) ?? [])],
    migrations: [...METRICS_MIGRATIONS, ...((options.migrations as []) ?? [])],
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (options.readReplicaUrl && !options.databaseUrl) {
    throw new Error('readReplicaUrl needs databaseUrl: a read replica is of a PostgreSQL primary, not of PGlite');
  }
  if (options.databaseUrl) {
    const connection = options.readReplicaUrl
      ? {
          // Primary by default: only the reads that ask for the replica (database/read-replica.ts) go there.
          replication: {
            master: { url: options.databaseUrl },
            slaves: [{ url: options.readReplicaUrl }],
            defaultMode: 'master' as const,
          },
        }
      : { url: options.databaseUrl };
    return {
      ...common,
      ...connection,
      ...(options.schema ? { schema: options.schema, extra: { options: `-c search_path=${options.schema}` } } : {}),
      poolSize: 10,
    };
  }
  const dir = options.pgliteDir ?? './.data/pglite';
  return { ...common, driver: createPgliteDriver(dir === 'memory://' ? undefined : dir).driver };
}
