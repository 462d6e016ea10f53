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
  const loaded = tables.map((table) => table.table);
  await db.query(`VACUUM (ANALYZE) ${loaded.join(', ')}`);
  if (db.kind === 'postgresql') {
    const unmarked = await vacuumUntilAllVisible(db, loaded);
    if (unmarked.length > 0) notes.push(`not all pages marked visible after ten VACUUMs: ${unmarked.join(', ')}`);
  }
  return { tables, notes };
}

/**
 * VACUUM again, a few times, each table whose pages are not all visible yet. A session's snapshot from before the
 * table's rows arrived (an autovacuum ANALYZE of a table loaded or written earlier) keeps VACUUM from marking their
 * pages, and the reads that follow fetch the heap for every row an index-only scan finds. At scale 1 the loader's one
 * VACUUM left the key actions, jobs, AI usage, API rollups and billing tables unmarked (0 of their pages), and a
 * backfill on them took 112.6 s where the same data marked took 76.4 s (docs/performance-history.md, "ninth session").
 */
export async function vacuumUntilAllVisible(db: BenchDb, tables: readonly string[]): Promise<string[]> {
  const behind = async () =>
    (
      await db.query<{ table: string }>(
        `SELECT relname AS table FROM pg_class WHERE relname = ANY($1) AND relallvisible < relpages`,
        [tables],
      )
    ).map(({ table }) => table);
  for (let attempt = 0; attempt < 10; attempt++) {
    const unmarked = await behind();
    if (unmarked.length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 500));
    await db.query(`VACUUM (INDEX_CLEANUP ON) ${unmarked.join(', ')}`);
  }
  return behind();
}

/** What the compute derives from the sources: snapshots, cohorts, the per-user activity and lifecycle states, the key-action days, the stored billing movements, the AI usage days. */
export const DERIVED_TABLES = [
  'system_metrics_snapshot, system_cohort_retention',
  'metrics_user_activity, metrics_user_activity_coverage, metrics_daily_work',
  'metrics_user_lifecycle, metrics_user_lifecycle_coverage',
  'metrics_key_action_day, metrics_key_action_day_coverage, metrics_key_action_global_day',
  'metrics_key_action_tenant_day',
  'metrics_billing_movement, metrics_billing_movement_coverage, metrics_billing_movement_stale',
  'metrics_ai_usage_day, metrics_ai_usage_day_coverage',
].join(', ');
