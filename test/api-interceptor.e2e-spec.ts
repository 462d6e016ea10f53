import { ApiRequestCollector, MetricsService } from '@exec-metrics/metrics';
import {
  applyApiMetrics,
  applyApiMetricsMiddleware,
  burst,
  OpsModule,
  refusedByHostGuard,
  STATUSES_OF_600,
} from './support/ops-host.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';
const REQUESTS = 3000;

/** Yesterday and today (UTC): a burst that straddles midnight still lands in the range. */
function range(): { start: string; end: string } {
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  return { start: yesterday.toISOString().slice(0, 10), end: today.toISOString().slice(0, 10) };
}

async function summaryOf(test: TestApp, tenant: string | null): Promise<Record<string, number | null>> {
  const { start, end } = range();
  const query = `start=${start}&end=${end}${tenant ? `&tenant=${tenant}` : ''}`;
  const { status, body } = await call(test, 'GET', `${PREFIX}/summary?${query}`);
  expect(status).toBe(200);
  return (body as { metrics: Record<string, number | null> }).metrics;
}

async function routeCounts(test: TestApp): Promise<Record<string, number>> {
  const rows = await test.dataSource.query<{ route: string; n: number }[]>(
    `SELECT route, sum(requests)::int AS n FROM metrics_api_request_rollup GROUP BY route ORDER BY route`,
  );
  return Object.fromEntries(rows.map((row) => [row.route, row.n]));
}

describe('API metrics interceptor: a burst of real requests', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({
      // No timer flush during the test: the size threshold and explicit flushes do the writing.
      metrics: { apiMetrics: { flushIntervalMs: 3_600_000, flushAtRequests: 500 }, rateLimit: false },
      imports: [OpsModule],
      configure: applyApiMetrics,
      quiet: true,
    });
  });

  afterAll(() => test.close());

  it('counts 3,000 concurrent requests of 2 tenants exactly, with plausible latency, after a compute', async () => {
    const statuses = await burst(test.baseUrl, REQUESTS, 50);
    // 20 kinds: 13 answers + 2 slow answers = 200; 2 × 404, 1 × 418, 1 × 500, 1 × 503 (each 1/20 of 3,000 = 150).
    expect(Object.fromEntries(statuses)).toEqual({ 200: 2250, 404: 300, 418: 150, 500: 150, 503: 150 });
    // The module's own routes are not counted.
    for (let index = 0; index < 5; index += 1) expect((await call(test, 'GET', `${PREFIX}/catalog`)).status).toBe(200);

    const collector = test.app.get(ApiRequestCollector);
    expect(await collector.flush()).toBe(true);
    expect(await routeCounts(test)).toEqual({
      'GET /ops/boom': 150,
      'GET /ops/items/:id': 1950,
      'GET /ops/missing/:id': 300,
      'GET /ops/slow': 300,
      'GET /ops/teapot': 150,
      'GET /ops/unavailable': 150,
    });

    await test.app.get(MetricsService).computeRange(range());
    const global = await summaryOf(test, null);
    // Every third request had no tenant: it counts in the global view only.
    expect([global.api_requests_total, global.api_client_errors_total, global.api_errors_total]).toEqual([
      3000, 450, 300,
    ]);
    expect(global.error_rate).toBe(10);
    for (const tenant of ['acme', 'globex']) {
      const metrics = await summaryOf(test, tenant);
      expect([metrics.api_requests_total, metrics.api_client_errors_total, metrics.api_errors_total]).toEqual([
        1000, 150, 100,
      ]);
      expect(metrics.error_rate).toBe(10);
    }
    // 10% of the requests slept 60 ms: the 95th percentile lies at or above the 50 ms bucket, and the mean is
    // at least 300 × 60 / 3000 = 6 ms. The upper bounds only say "plausible".
    expect(global.api_p95_latency_ms).toBeGreaterThanOrEqual(50);
    expect(global.api_p95_latency_ms).toBeLessThan(5000);
    expect(global.api_avg_latency_ms).toBeGreaterThanOrEqual(6);
    expect(global.api_avg_latency_ms!).toBeLessThan(global.api_p95_latency_ms!);
    const [{ sum }] = await test.dataSource.query<{ sum: number }[]>(
      `SELECT sum(latency_sum_ms)::float8 AS sum FROM metrics_api_request_rollup`,
    );
    expect(global.api_avg_latency_ms).toBeCloseTo(sum / 3000, 2);
  });

  it('keeps the counts of a failed flush and writes them on the next one, while requests are still served', async () => {
    await test.dataSource.query(`DELETE FROM metrics_api_request_rollup`);
    const collector = test.app.get(ApiRequestCollector);
    await test.dataSource.query(`ALTER TABLE metrics_api_request_rollup RENAME TO metrics_api_request_rollup_away`);
    try {
      expect(Object.fromEntries(await burst(test.baseUrl, 60, 10))).toEqual({
        200: 45,
        404: 6,
        418: 3,
        500: 3,
        503: 3,
      });
      expect(await collector.flush()).toBe(false);
      expect(collector.pendingRows).toBeGreaterThan(0);
    } finally {
      await test.dataSource.query(`ALTER TABLE metrics_api_request_rollup_away RENAME TO metrics_api_request_rollup`);
    }
    expect(await collector.flush()).toBe(true);
    const [row] = await test.dataSource.query<{ requests: number; client: number; server: number }[]>(
      `SELECT sum(requests)::int AS requests, sum(client_errors)::int AS client, sum(server_errors)::int AS server
       FROM metrics_api_request_rollup`,
    );
    expect(row).toEqual({ requests: 60, client: 9, server: 6 });
  });
});

describe('API metrics middleware: the same counts, plus what guards refuse and unmatched routes', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({
      metrics: { apiMetrics: { flushIntervalMs: 3_600_000 }, rateLimit: false },
      imports: [OpsModule],
      configure: applyApiMetricsMiddleware,
      quiet: true,
    });
  });

  afterAll(() => test.close());

  it('counts answers, thrown errors, guard refusals and 404s by route pattern, and skips the module routes', async () => {
    expect(Object.fromEntries(await burst(test.baseUrl, 600, 25))).toEqual(STATUSES_OF_600);
    await refusedByHostGuard(test.baseUrl, 10);
    for (let index = 0; index < 10; index += 1) {
      expect((await fetch(`${test.baseUrl}/nowhere/${index}`)).status).toBe(404);
    }
    expect((await call(test, 'GET', `${PREFIX}/catalog`)).status).toBe(200);
    expect((await call(test, 'GET', `${PREFIX}/summary?start=2025-01-01&end=2025-01-02`)).status).toBe(200);

    expect(await test.app.get(ApiRequestCollector).flush()).toBe(true);
    expect(await routeCounts(test)).toEqual({
      '': 10,
      'GET /ops/boom': 30,
      'GET /ops/items/:id': 390,
      'GET /ops/missing/:id': 60,
      'GET /ops/private': 10,
      'GET /ops/slow': 60,
      'GET /ops/teapot': 30,
      'GET /ops/unavailable': 30,
    });
    const [acme] = await test.dataSource.query<{ requests: number; client: number; server: number }[]>(
      `SELECT sum(requests)::int AS requests, sum(client_errors)::int AS client, sum(server_errors)::int AS server
       FROM metrics_api_request_rollup WHERE tenant_id = 'acme'`,
    );
    // 200 of the burst (30 client and 20 server errors) and the 10 refused requests.
    expect(acme).toEqual({ requests: 210, client: 40, server: 20 });
  });
});
