import { startBenchApp, type BenchApp } from '../bench-app.js';
import type { BenchDb } from '../bench-db.js';
import { DERIVED_TABLES } from '../loader.js';

/** One point of the growth figure: a share of the data set and the backfill times measured on it. */
export interface GrowthPoint {
  multiplier: number;
  activityEvents: number;
  /** The fastest of `samples`: the machine's slowdowns only ever add time. */
  backfillSeconds: number;
  /** Each round's fresh backfill, in the order measured. */
  samples: number[];
}

/**
 * A database of its own for a smaller share of the data set, so the growth figure's backfills can be measured in
 * turns: on PostgreSQL a database `<bench database>_growth_<percent>` beside the bench's (created empty, dropped by
 * `drop`), on PGlite an in-memory instance of its own. Measured one after another, each point after loading its
 * data, the points lay ~20 minutes apart at scale 1, and a machine whose speed drifted by half within the hour gave
 * 1.18 and 1.15 where the same code measured in turns gave 0.92 and 0.97 (docs/performance.md).
 */
export async function growthApp(
  main: BenchApp,
  databaseUrl: string | undefined,
  multiplier: number,
): Promise<{ app: BenchApp; drop: () => Promise<void> }> {
  if (!databaseUrl) {
    const app = await startBenchApp(undefined);
    return { app, drop: () => app.close() };
  }
  const [{ name }] = await main.db.query<{ name: string }>('SELECT current_database() AS name');
  const database = `${name}_growth_${Math.round(multiplier * 100)}`;
  const quoted = `"${database.replace(/"/g, '""')}"`;
  await main.db.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
  await main.db.query(`CREATE DATABASE ${quoted}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  const app = await startBenchApp(url.toString());
  return {
    app,
    drop: async () => {
      await app.close();
      await main.db.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    },
  };
}

/**
 * A backfill from empty derived tables, as after a load: the previous run's rows emptied and its dirty pages written
 * out first, so neither is part of the time.
 */
export async function freshBackfillSeconds(db: BenchDb, backfill: () => Promise<unknown>): Promise<number> {
  await db.query(`TRUNCATE ${DERIVED_TABLES}`);
  if (db.kind === 'postgresql') await db.query('CHECKPOINT');
  const started = performance.now();
  await backfill();
  return (performance.now() - started) / 1000;
}
