/**
 * `npm run bench:csv`: the all-tenants CSV export at size, without generating events. A synthetic snapshot table is
 * filled directly (INSERT … SELECT generate_series: N tenants plus the global view × 1,096 daily rows, every public
 * metric column set), then `export.csv?all_tenants=true` is read through HTTP and compared with a raw
 * `COPY (the same rows) TO STDOUT`, with the Node process's peak RSS growth. Sizes: `--rows 110000,1000000`
 * (default; 110k is scale 1's daily rows: 100 tenants and the global view over three years). DATABASE_URL selects
 * a PostgreSQL server; without it a throw-away one is started. Writes bench/results/csv-export-<database>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CSV_HEADER } from '@exec-metrics/metrics';
import { startBenchApp } from './bench-app.js';
import type { BenchDb } from './bench-db.js';
import { formatFigures, perSecond, type Figure } from './figures.js';
import { measureCsvExport, type CsvExportResult } from './measure/csv-export.js';

const DAYS = 1096;
const START = '2023-01-01';

/**
 * Replaces the snapshots with `scopes` × DAYS synthetic daily rows (scope 0 is the global view). Integer columns
 * get small integers, numeric ones two-decimal values, both varying with the day and tenant, as computed rows do.
 */
async function fillSnapshots(db: BenchDb, scopes: number): Promise<number> {
  const types = await db.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_name = 'system_metrics_snapshot' AND table_schema = current_schema()`,
  );
  const typeOf = new Map(types.map((row) => [row.column_name, row.data_type]));
  const metrics = CSV_HEADER.filter((column) => ['integer', 'bigint', 'numeric'].includes(typeOf.get(column) ?? ''));
  const values = metrics.map((column, index) =>
    typeOf.get(column) === 'numeric'
      ? `round(((d * 31 + t * 7 + ${index}) % 100000) / 100.0, 2)`
      : `(d * 13 + t * 3 + ${index}) % 5000`,
  );
  await db.query('TRUNCATE system_metrics_snapshot');
  await db.query(
    `INSERT INTO system_metrics_snapshot (bucket_type, bucket_date, tenant_id, environment, computed_at, ${metrics.map((column) => `"${column}"`).join(', ')})
     SELECT 'daily', DATE '${START}' + d, CASE WHEN t = 0 THEN NULL ELSE 'tenant_' || lpad(t::text, 4, '0') END,
            'bench', TIMESTAMPTZ '${START}T06:00:00Z' + d * interval '1 day', ${values.join(', ')}
     FROM generate_series(0, ${scopes - 1}) AS t, generate_series(0, ${DAYS - 1}) AS d`,
  );
  await db.query('ANALYZE system_metrics_snapshot');
  return scopes * DAYS;
}

interface SizeResult extends CsvExportResult {
  requestedRows: number;
  scopes: number;
}

function figuresOf(results: SizeResult[]): Figure[] {
  return results.flatMap((result) => [
    {
      figure: `CSV all tenants, ${result.rows.toLocaleString('en')} rows: rows/s ÷ COPY`,
      ours: perSecond(result.rowsPerSecond, 'rows'),
      baseline: perSecond(result.copyRowsPerSecond, 'rows'),
      ratio: Number((result.rowsPerSecond / result.copyRowsPerSecond).toPrecision(3)),
      goal: '≥ 0.5',
      met: result.rowsPerSecond / result.copyRowsPerSecond >= 0.5,
    },
    {
      figure: `CSV all tenants, ${result.rows.toLocaleString('en')} rows: peak RSS growth (MB)`,
      ours: `${result.peakRssGrowthMb.toFixed(1)} MB`,
      baseline: '50 MB',
      ratio: Number(result.peakRssGrowthMb.toFixed(1)),
      goal: '< 50',
      met: result.peakRssGrowthMb < 50,
    },
  ]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '110000,1000000' } } });
  const sizes = values.rows.split(',').map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < DAYS))
    throw new Error(`--rows: whole numbers of at least ${DAYS}`);
  let server: { url: string; stop(): void } | undefined;
  let url = process.env.DATABASE_URL || undefined;
  if (!url) {
    const module = (await import(pathToFileURL(resolve('scripts/postgres-server.mjs')).href)) as {
      startTemporaryPostgres(): Promise<{ url: string; stop(): void }>;
    };
    server = await module.startTemporaryPostgres();
    url = server.url;
  }
  const bench = await startBenchApp(url);
  const results: SizeResult[] = [];
  try {
    for (const size of sizes) {
      const scopes = Math.ceil(size / DAYS);
      const filled = await fillSnapshots(bench.db, scopes);
      console.log(`${filled} synthetic daily rows (${scopes - 1} tenants and the global view × ${DAYS} days)`);
      const end = new Date(Date.parse(`${START}T00:00:00Z`) + (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
      // A read of the whole table first, so the export and COPY both find it in the cache.
      await bench.db.query('SELECT count(*) FROM system_metrics_snapshot');
      const result = await measureCsvExport(bench.baseUrl, bench.db, { start: START, end }, 'bench');
      if (result.rows !== filled) throw new Error(`exported ${result.rows} rows of ${filled}`);
      console.log(
        `  peak growth: RSS ${result.peakRssGrowthMb.toFixed(1)} MB, heap ${result.peakHeapGrowthMb.toFixed(1)} MB, buffers ${result.peakBuffersGrowthMb.toFixed(1)} MB`,
      );
      results.push({ ...result, requestedRows: size, scopes });
    }
  } finally {
    await bench.close();
    server?.stop();
  }
  console.log(formatFigures(figuresOf(results)));
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/csv-export-${bench.db.kind}.json`;
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
  console.log(`written ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
