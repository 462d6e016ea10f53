import { startTemporaryPostgres, type TemporaryPostgres } from '../../scripts/postgres-server.mjs';

/**
 * A PostgreSQL server of the test's own, for what only a real server can show (several app instances on one
 * database, the database going away). Needs Debian's postgresql package, as CI installs it.
 */
export function ownPostgres(options: { durable?: boolean } = {}): Promise<TemporaryPostgres> {
  return startTemporaryPostgres(options);
}
