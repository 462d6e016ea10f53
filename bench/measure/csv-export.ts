import { get } from 'node:http';
import { CSV_HEADER } from '@exec-metrics/metrics';
import { BENCH_TOKEN } from '../bench-app.js';
import type { BenchDb } from '../bench-db.js';
import { median } from '../median.js';

export interface CsvExportResult {
  rows: number;
  /** The median of the rounds' seconds, ours and COPY's. */
  seconds: number;
  rowsPerSecond: number;
  copySeconds: number;
  copyRowsPerSecond: number;
  /** Every round's seconds, in the order run (ours and COPY alternate which goes first). */
  rounds: { seconds: number; copySeconds: number }[];
  /** Peak resident memory of the bench process (app and client) above where it started, in MB. */
  peakRssGrowthMb: number;
  /** The same for the JavaScript heap and for buffers outside it (what RSS growth is made of). */
  peakHeapGrowthMb: number;
  peakBuffersGrowthMb: number;
}

/** How many times each side is timed: one export of ~110k rows takes about a second, where a shared machine's
 * speed moves by 10–20 % from one second to the next. */
const ROUNDS = 3;

/**
 * GETs a URL with node:http (fewer buffer copies than fetch's web streams: the client shares this process, and its
 * garbage counts in the RSS measured) and counts the newlines of the answer, natively by indexOf.
 */
function countLines(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`export: HTTP ${response.statusCode}`));
        return;
      }
      let lines = 0;
      response.on('data', (bytes: Buffer) => {
        for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines += 1;
      });
      response.on('end', () => resolve(lines));
      response.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * The daily CSV export of every scope in ONE request (`export.csv?all_tenants=true`), read as a stream and thrown
 * away, against `COPY (the same rows, in the same order) TO STDOUT`: ROUNDS of each, alternated, the first side of a
 * round alternating too (so neither always reads the rows first, after the other warmed them), medians compared.
 * Memory is sampled while the exports run.
 */
export async function measureCsvExport(
  baseUrl: string,
  db: BenchDb,
  range: { start: string; end: string },
  environment: string,
): Promise<CsvExportResult> {
  global.gc?.();
  const before = process.memoryUsage();
  let peak = before.rss;
  let peakHeap = before.heapUsed;
  let peakBuffers = before.arrayBuffers;
  const url = `${baseUrl}/api/system/metrics/export.csv?start=${range.start}&end=${range.end}&all_tenants=true`;
  let rows = 0;
  const ours = async () => {
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
    }, 20);
    const started = performance.now();
    try {
      rows = (await countLines(url, { authorization: `Bearer ${BENCH_TOKEN}` })) - 1; // the header line
    } finally {
      clearInterval(sampler);
    }
    return (performance.now() - started) / 1000;
  };

  // The same cells as the export, `complete` computed as it computes it for daily buckets (the day has ended before
  // today), in the same order, so COPY is a fair baseline.
  const columns = CSV_HEADER.map((column) =>
    column === 'complete'
      ? `CASE WHEN bucket_date < CURRENT_DATE THEN 'true' ELSE 'false' END AS complete`
      : `"${column}"`,
  ).join(', ');
  const copy = async () => {
    const started = performance.now();
    await db.copyOut(
      `SELECT ${columns} FROM system_metrics_snapshot AS s
       WHERE environment = '${environment}' AND bucket_type = 'daily'
         AND bucket_date BETWEEN '${range.start}' AND '${range.end}' ORDER BY s.tenant_id, s.bucket_date`,
    );
    return (performance.now() - started) / 1000;
  };

  const rounds: CsvExportResult['rounds'] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      const seconds = await ours();
      rounds.push({ seconds, copySeconds: await copy() });
    } else {
      const copySeconds = await copy();
      rounds.push({ seconds: await ours(), copySeconds });
    }
  }
  const seconds = median(rounds.map((r) => r.seconds));
  const copySeconds = median(rounds.map((r) => r.copySeconds));
  return {
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    copySeconds,
    copyRowsPerSecond: rows / copySeconds,
    rounds,
    peakRssGrowthMb: (peak - before.rss) / 2 ** 20,
    peakHeapGrowthMb: (peakHeap - before.heapUsed) / 2 ** 20,
    peakBuffersGrowthMb: (peakBuffers - before.arrayBuffers) / 2 ** 20,
  };
}
