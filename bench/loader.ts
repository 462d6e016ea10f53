import type { BenchDb } from './bench-db.js';
import type { TableGenerator } from './generator.js';

export interface LoadedTable {
  table: string;
  rows: number;
  seconds: number;
}

export interface LoadResult {
  tables: LoadedTable[];
  notes: string[];
}

/** Streams each generator's rows into its table with COPY; optional tables that do not exist are skipped with a note. */
export async function loadSources(db: BenchDb, generators: TableGenerator[]): Promise<LoadResult> {
  const tables: LoadedTable[] = [];
  const notes: string[] = [];
  for (const generator of generators) {
    if (generator.optional) {
      const [{ exists }] = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
        generator.table,
      ]);
      if (!exists) {
        notes.push(`${generator.table}: table not present in this build, skipped`);
        continue;
      }
    }
    const started = performance.now();
    const rows = await db.copyIn(generator.table, generator.columns, generator.rows());
    tables.push({ table: generator.table, rows, seconds: (performance.now() - started) / 1000 });
  }
  // Vacuumed as well as analysed, as autovacuum leaves a host's tables long before a backfill reads three years of
  // them: rows just copied in are on pages not yet marked all-visible, so an index-only scan (the distinct floor's,
  // the backfill's user-days) fetched the heap for each of them until autovacuum got there, at a time of its own
  // (the distinct floor measured 10.7-18.1 s at scale 1 from one run to the next; 3.6 million heap fetches took a
  // scan of the activity index from 16.0 to 22.4 s).
  await db.query(`VACUUM (ANALYZE) ${tables.map((table) => table.table).join(', ')}`);
  return { tables, notes };
}

/** What the compute derives from the sources: snapshots, cohorts, the per-user activity and lifecycle states, the key-action days, the stored billing movements. */
export const DERIVED_TABLES = [
  'system_metrics_snapshot, system_cohort_retention',
  'metrics_user_activity, metrics_user_activity_coverage, metrics_daily_work',
  'metrics_user_lifecycle, metrics_user_lifecycle_coverage',
  'metrics_key_action_day, metrics_key_action_day_coverage, metrics_key_action_global_day',
  'metrics_key_action_tenant_day',
  'metrics_billing_movement, metrics_billing_movement_coverage, metrics_billing_movement_stale',
].join(', ');

/** Empties the source tables and everything derived from them between two data sets (the growth series). */
export async function emptySources(db: BenchDb, generators: TableGenerator[]): Promise<void> {
  for (const generator of generators) {
    const [{ exists }] = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
      generator.table,
    ]);
    if (exists) await db.query(`TRUNCATE ${generator.table}`);
  }
  await db.query(`TRUNCATE ${DERIVED_TABLES}`);
}
