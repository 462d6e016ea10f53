import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MetricsService } from '@exec-metrics/metrics';
import { applyApiMetrics, burst, OpsModule } from './support/ops-host.js';
import { call, createTestApp, type TestApp, type TestAppOptions } from './support/test-app.js';

/**
 * Counts held in memory survive a graceful shutdown: the app is closed with nothing flushed yet, and a new app
 * on the same database (a PGlite directory, or a schema of the suite's PostgreSQL) finds every request.
 */
describe('API metrics interceptor: graceful shutdown', () => {
  const url = process.env.TEST_DATABASE_URL;
  const schema = `ops_shutdown_${randomBytes(4).toString('hex')}`;
  let dir: string | undefined;
  let reopened: TestApp | undefined;

  afterAll(async () => {
    await reopened?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });

  it('writes the pending counts before the database closes; a reopened app computes them exactly', async () => {
    dir = url ? undefined : await mkdtemp(join(tmpdir(), 'ops-shutdown-'));
    const database: TestAppOptions = url ? { sharedSchema: schema } : { pgliteDir: dir };
    const first = await createTestApp({
      ...database,
      // Nothing is written before the shutdown: no timer and no size threshold within reach.
      metrics: { apiMetrics: { flushIntervalMs: 3_600_000, flushAtRequests: 1e9, flushAtRows: 1e9 } },
      imports: [OpsModule],
      configure: applyApiMetrics,
      quiet: true,
    });
    expect(Object.fromEntries(await burst(first.baseUrl, 600, 25))).toEqual({
      200: 450,
      404: 60,
      418: 30,
      500: 30,
      503: 30,
    });
    // The requests were answered without a database write.
    expect(await first.dataSource.query(`SELECT count(*)::int AS n FROM metrics_api_request_rollup`)).toEqual([
      { n: 0 },
    ]);
    await first.close();

    reopened = await createTestApp({ ...database, imports: [OpsModule] });
    const [totals] = await reopened.dataSource.query<{ requests: number; client: number; server: number }[]>(
      `SELECT sum(requests)::int AS requests, sum(client_errors)::int AS client, sum(server_errors)::int AS server
       FROM metrics_api_request_rollup`,
    );
    expect(totals).toEqual({ requests: 600, client: 90, server: 60 });

    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await reopened.app.get(MetricsService).computeRange({ start: yesterday, end: today });
    for (const [tenant, expected] of [
      [null, [600, 90, 60]],
      ['acme', [200, 30, 20]],
      ['globex', [200, 30, 20]],
    ] as const) {
      const query = `start=${yesterday}&end=${today}${tenant ? `&tenant=${tenant}` : ''}`;
      const { body } = await call(reopened, 'GET', `/api/system/metrics/summary?${query}`);
      const metrics = (body as { metrics: Record<string, number> }).metrics;
      expect([metrics.api_requests_total, metrics.api_client_errors_total, metrics.api_errors_total]).toEqual(expected);
    }
  }, 180_000); // two app starts on an on-disk PGlite: about 20 s alone, over a minute on a loaded machine
});
