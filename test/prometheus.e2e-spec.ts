import { Counter, register } from 'prom-client';
import { ApiRequestCollector, MetricsService } from '@exec-metrics/metrics';
import { applyApiMetrics, burst, OpsModule } from './support/ops-host.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const SCRAPE_TOKEN = 'scrape-token-for-tests';

/** The value of one sample line of the text format, e.g. `name{label="x"} 3`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus route', () => {
  const apps: TestApp[] = [];

  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('is off by default', async () => {
    const test = await createTestApp();
    apps.push(test);
    expect((await call(test, 'GET', '/metrics')).status).toBe(404);
  });

  it('serves the counters and the latest headline metrics to admins and the scrape token, and nobody else', async () => {
    const test = await createTestApp({
      metrics: {
        prometheusEndpoint: { scrapeToken: SCRAPE_TOKEN },
        rateLimit: false,
        // Only the test's own flush: on a busy machine the burst can outlast the 2 s timer, which would flush too.
        apiMetrics: { flushIntervalMs: 3_600_000 },
      },
      imports: [OpsModule],
      configure: applyApiMetrics,
      quiet: true,
    });
    apps.push(test);
    expect((await call(test, 'GET', '/metrics', { token: null })).status).toBe(401);
    expect((await call(test, 'GET', '/metrics', { token: 'not-the-token' })).status).toBe(401);
    expect((await call(test, 'GET', '/metrics', { token: test.ingestToken })).status).toBe(403);

    // 40 requests: per 20, 15 answered 2xx, 3 client errors (404, 404, 418) and 2 server errors (500, 503).
    await burst(test.baseUrl, 40, 8);
    expect(await test.app.get(ApiRequestCollector).flush()).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const run = await test.app.get(MetricsService).run({ start: yesterday, end: today, trigger: 'backfill' });
    expect(run.status).toBe('succeeded');

    const scraped = await call(test, 'GET', '/metrics', { token: SCRAPE_TOKEN });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    const text = scraped.text;
    expect(sample(text, 'exec_metrics_api_requests_counted_total{class="2xx"}')).toBe(30);
    expect(sample(text, 'exec_metrics_api_requests_counted_total{class="4xx"}')).toBe(6);
    expect(sample(text, 'exec_metrics_api_requests_counted_total{class="5xx"}')).toBe(4);
    expect(sample(text, 'exec_metrics_api_flushes_total{outcome="succeeded"}')).toBe(1);
    expect(sample(text, 'exec_metrics_api_pending_rows')).toBe(0);
    expect(sample(text, 'exec_metrics_runs_total{trigger="backfill",status="succeeded"}')).toBe(1);
    // The latest global daily snapshot is today's, unless the burst straddled midnight.
    const day = sample(text, 'exec_metrics_latest_snapshot_day_seconds');
    expect(day).toBe(Date.parse(`${today}T00:00:00Z`) / 1000);
    const requestsToday = await test.dataSource.query<{ n: number }[]>(
      `SELECT coalesce(sum(requests), 0)::int AS n FROM metrics_api_request_rollup WHERE minute >= $1::date`,
      [today],
    );
    expect(sample(text, 'exec_metrics_latest_value{metric="api_requests_total"}')).toBe(requestsToday[0].n);
    expect(text).toContain('# TYPE exec_metrics_latest_value gauge');
    // A null metric (no billing) is absent rather than 0.
    expect(text).not.toContain('metric="mrr"');

    // Admins may read it too; the scrapes themselves are neither counted as API requests nor unaudited.
    const byAdmin = await call(test, 'GET', '/metrics');
    expect(byAdmin.status).toBe(200);
    expect(sample(byAdmin.text, 'exec_metrics_api_requests_counted_total{class="2xx"}')).toBe(30);
    const audited = await test.dataSource.query<{ actor: string; outcome: number }[]>(
      `SELECT actor, outcome FROM metrics_audit_log WHERE route = '/metrics' ORDER BY id`,
    );
    expect(audited.filter((row) => row.outcome === 200).map((row) => row.actor)).toEqual([
      'token:prometheus-scrape',
      expect.stringMatching(/^token:/),
    ]);
  });

  it('lives at the configured path', async () => {
    const test = await createTestApp({ metrics: { prometheusEndpoint: { path: '/internal/prom/' } } });
    apps.push(test);
    const hostCounter = new Counter({ name: 'host_only_requests_total', help: 'a metric of the host' });
    hostCounter.inc(7);
    expect((await call(test, 'GET', '/metrics')).status).toBe(404);
    const scraped = await call(test, 'GET', '/internal/prom');
    expect(scraped.status).toBe(200);
    expect(sample(scraped.text, 'exec_metrics_api_pending_rows')).toBe(0);
    // The module's own registry: what the host keeps in prom-client's default registry stays there, and the
    // module adds nothing to it (no `prometheus` option).
    expect(scraped.text).not.toContain('host_only_requests_total');
    expect(await register.metrics()).toContain('host_only_requests_total 7');
    expect(register.getSingleMetric('exec_metrics_api_requests_counted_total')).toBeUndefined();
    register.removeSingleMetric('host_only_requests_total');
  });
});
