import { CSV_HEADER } from '@exec-metrics/metrics';
import { BENCH_TOKEN } from '../bench-app.js';
import type { BenchDb } from '../bench-db.js';

export interface CsvExportResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  copySeconds: number;
  copyRowsPerSecond: number;
  /** Peak resident memory of the bench process (app and client) above where it started, in MB. */
  peakRssGrowthMb: number;
}

/**
 * The daily CSV export of every scope (global and each tenant), read as a stream and thrown away, against
 * `COPY (the same query) TO STDOUT` of the same rows. Memory is sampled while the exports run.
 */
export async function measureCsvExport(
  baseUrl: string,
  db: BenchDb,
  scopes: (string | null)[],
  range: { start: string; end: string },
  environment: string,
): Promise<CsvExportResult> {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  let rows = 0;
  const started = performance.now();
  try {
    for (const scope of scopes) {
      const tenant = scope === null ? '' : `&tenant=${encodeURIComponent(scope)}`;
      const response = await fetch(
        `${baseUrl}/api/system/metrics/export.csv?start=${range.start}&end=${range.end}${tenant}`,
        { headers: { authorization: `Bearer ${BENCH_TOKEN}` } },
      );
      if (response.status !== 200 || !response.body) throw new Error(`export ${scope}: HTTP ${response.status}`);
      let newlines = 0;
      const reader = response.body.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        const bytes = chunk.value;
        for (let index = 0; index < bytes.length; index += 1) if (bytes[index] === 10) newlines += 1;
      }
      rows += newlines - 1; // the header line
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;

  // The same cells as the export, `complete` computed as it computes it for daily buckets (the day has ended before
  // today), so COPY is a fair baseline.
  const columns = CSV_HEADER.map((column) =>
    column === 'complete'
      ? `CASE WHEN bucket_date < CURRENT_DATE THEN 'true' ELSE 'false' END AS complete`
      : `"${column}"`,
  ).join(', ');
  const copyStarted = performance.now();
  for (const scope of scopes) {
    const tenant = scope === null ? 'tenant_id IS NULL' : `tenant_id = '${scope.replace(/'/g, "''")}'`;
    await db.copyOut(
      `SELECT ${columns} FROM system_metrics_snapshot
       WHERE environment = '${environment}' AND bucket_type = 'daily' AND ${tenant}
         AND bucket_date BETWEEN '${range.start}' AND '${range.end}' ORDER BY bucket_date, id`,
    );
  }
  const copySeconds = (performance.now() - copyStarted) / 1000;
  return {
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    copySeconds,
    copyRowsPerSecond: rows / copySeconds,
    peakRssGrowthMb: (peak - baseline) / 2 ** 20,
  };
}
