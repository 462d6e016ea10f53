import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { metricsDataSourceOptions } from '@exec-metrics/metrics';
import { catalogColumnDiff, catalogMigration, nextMigrationTimestamp, registerMigration } from './catalog-diff.js';

/**
 * `npm run migration:catalog`: migrates a database with every migration of migrations/, compares the snapshot
 * table with the metric catalog and, when catalog metrics have no column, writes migrations/<timestamp>-catalog-
 * columns.ts adding them and registers it in migrations/index.ts. The database: DATABASE_URL, else PGlite in
 * PGLITE_DIR, else a fresh in-memory PGlite (the default: what the migrations alone produce).
 * Exit code 0 (up to date, or a migration written), 1 when a column's type differs from the catalog's.
 */
const migrationsDir = join(process.cwd(), 'migrations');
const dataSource = new DataSource(
  metricsDataSourceOptions({
    databaseUrl: process.env.DATABASE_URL || undefined,
    pgliteDir: process.env.PGLITE_DIR ?? 'memory://',
  }),
);
await dataSource.initialize();
try {
  const diff = await catalogColumnDiff(dataSource);
  for (const { key, declared, actual } of diff.mismatched) {
    console.error(`${key}: the catalog declares ${declared}, the database has ${actual}; change it by hand`);
  }
  if (diff.missing.length === 0) {
    console.log(`system_metrics_snapshot is up to date with the catalog (${diff.mismatched.length} type differences)`);
  } else {
    const indexFile = join(migrationsDir, 'index.ts');
    const index = readFileSync(indexFile, 'utf8');
    const migration = catalogMigration(diff.missing, nextMigrationTimestamp(index, Date.now()));
    writeFileSync(join(migrationsDir, `${migration.fileBase}.ts`), migration.source);
    writeFileSync(indexFile, registerMigration(index, migration));
    console.log(
      `wrote migrations/${migration.fileBase}.ts (${diff.missing.map((metric) => metric.key).join(', ')}) ` +
        'and registered it in migrations/index.ts',
    );
  }
  process.exitCode = diff.mismatched.length > 0 ? 1 : 0;
} finally {
  await dataSource.destroy();
}
