import { tmpdir } from 'node:os';
import { runBench, type BenchReport } from '../bench/run.js';
import { volumesAt } from '../bench/generator.js';
import { REFERENCE_METRICS } from '../bench/measure/reference.js';

/**
 * The benchmark at a tiny scale on PGlite: every stage runs (generate, COPY, floor, backfill, the reference
 * loop, nightly, reads, export, ingest, growth, hash partitions) and the output has its shape. What is
 * asserted is correctness — ours equals the reference on the sampled days, the partitioned layout gives the
 * same snapshots — never timings (those belong to `npm run bench`).
 */
describe('npm run bench, smoke run on PGlite', () => {
  let report: BenchReport;
  const scale = 0.0005;

  beforeAll(async () => {
    report = await runBench({
      scale,
      pglite: true,
      partitions: 3,
      growth: true,
      http: true,
      clients: 4,
      requestsPerClient: 2,
      ingestEvents: 1500,
      sampleDays: 4,
      sampleTenants: 2,
      end: '2025-06-30',
      days: 120,
      outDir: tmpdir(),
      log: () => undefined,
    });
  }, 600_000);

  it('loads exactly the generated volumes, billing included', () => {
    const volumes = volumesAt(scale);
    const rows = Object.fromEntries(report.load.tables.map((table) => [table.table, table.rows]));
    expect(rows).toMatchObject({
      metrics_activity_event: volumes.activity,
      system_activation_event: volumes.keyActions,
      metrics_job_event: volumes.jobs,
      metrics_ai_usage_event: volumes.ai,
      metrics_api_request_rollup: volumes.api,
      metrics_billing_customer: volumes.subscriptions,
    });
    // Each subscription starts, and some upgrade or cancel: at least one ledger row each.
    expect(rows.metrics_revenue_ledger).toBeGreaterThanOrEqual(volumes.subscriptions);
    expect(rows.metrics_lifecycle_event).toBeGreaterThanOrEqual(volumes.users);
    expect(report.load.notes).toEqual([]);
    expect(report.range).toEqual({ start: '2025-03-03', end: '2025-06-30', days: 120 });
  });

  it('matches the reference loop on every sampled tenant-day and metric', () => {
    // The global view and two tenants, on four days: 3 × 4 tenant-days, each metric compared.
    expect(report.reference.tenantDays).toBe(12);
    expect(report.reference.compared).toBe(12 * REFERENCE_METRICS.length);
    expect(report.reference.queries).toBe(12 * REFERENCE_METRICS.length);
    expect(report.reference.nonZero).toBeGreaterThan(report.reference.compared / 3);
    expect(report.reference.mismatches).toEqual([]);
  });

  it('computes the same snapshots from hash-partitioned source tables', () => {
    expect(report.partitioned?.partitions).toBe(3);
    expect(report.partitioned?.digestPartitioned).toBe(report.partitioned?.digestPlain);
    expect(report.partitioned?.digestPlain).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reports every figure as a ratio with its goal', () => {
    expect(report.figures.map((figure) => figure.figure)).toEqual([
      '1. full backfill ÷ distinct floor',
      '1. full backfill ÷ count floor',
      '2. reference loop (extrapolated) ÷ ours',
      '2. sampled values ours = reference',
      '3. nightly (catch-up + its day) ÷ full backfill',
      '4. summary (warm) p99 ÷ trivial p99',
      '4. timeseries (warm) p99 ÷ trivial p99',
      '4. summary (cold) p99 ÷ trivial p99',
      '4. timeseries (cold) p99 ÷ trivial p99',
      '5. CSV export (all tenants) rows/s ÷ COPY TO STDOUT',
      `5. peak RSS growth, ${report.csvExport?.rows} rows (MB)`,
      '6. POST /events ÷ raw COPY',
      '7. growth 2×: time ratio ÷ data ratio',
      '7. growth 4×: time ratio ÷ data ratio',
      'scale-out: hash-partitioned (3) ÷ plain',
    ]);
    for (const figure of report.figures) expect(Number.isFinite(figure.ratio)).toBe(true);
    // The distinct floor groups activity by tenant, user and day: at least one user-day per day with activity,
    // at most one per event.
    expect(report.distinctFloor.userDays).toBeGreaterThanOrEqual(60);
    expect(report.distinctFloor.userDays).toBeLessThanOrEqual(volumesAt(scale).activity);
    // The export covers each scope's daily rows: the global view and every tenant, 120 days each.
    expect(report.csvExport?.rows).toBe((volumesAt(scale).tenants + 1) * 120);
    expect(report.ingest?.events).toBe(1500);
    expect(report.readLatency?.trivial.requests).toBe(8);
    expect(report.growth?.map((point) => point.multiplier)).toEqual([0.25, 0.5, 1]);
    // Each point measured in two rounds (in turns, each share in a database of its own), its fastest reported.
    for (const point of report.growth ?? []) {
      expect(point.samples).toHaveLength(2);
      expect(point.backfillSeconds).toBe(Math.min(...point.samples));
    }
  });
});
