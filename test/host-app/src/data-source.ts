import { METRICS_ENTITIES, METRICS_MIGRATIONS } from '@exec-metrics/metrics';
import type { DataSourceOptions } from 'typeorm';
import { Org, User } from './entities.js';
import { HostTables1700000000000 } from './host-tables.migration.js';

/** The host's data source: its own entities and migrations, with the metrics' next to them. */
export const dataSourceOptions: DataSourceOptions = {
  type: 'postgres',
  url: process.env.DATABASE_URL,
  entities: [Org, User, ...METRICS_ENTITIES],
  migrations: [HostTables1700000000000, ...METRICS_MIGRATIONS],
  migrationsRun: true,
  synchronize: false,
};
