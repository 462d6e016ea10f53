import { poolState, soak } from '../bench/soak-traffic.js';
import { MetricsService } from '@exec-metrics/metrics';
import type { TemporaryPostgres } from '../scripts/postgres-server.mjs';
import { ownPostgres } from './support/postgres.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ROUNDS = 16;
const CLIENTS = 6;
const WARM_UP = 5;

/**
 * The short soak of `npm test` (npm run soak runs the long one): mixed traffic with a bounded request count on a
 * real PostgreSQL, so sessions are real. No timing is asserted; latencies are only reported.
 */
describe('soak: mixed traffic', () => {
  let server: TemporaryPostgres;
  let test: TestApp;

  beforeAll(async () => {
    server = await ownPostgres();
    test = await createTestApp({ databaseUrl: server.url, metrics: { rateLimit: false } });
    await test.app.get(MetricsService).computeRange({ start: '2025-01-01', end: '2025-12-31' });
  });

  afterAll(async () => {
    await test.close();
    server.stop();
  });

  it('answers every request, keeps memory flat after warm-up and leaks no connection', async () => {
    const result = await soak({
      base: test.baseUrl,
      adminToken: test.adminToken,
      ingestToken: test.ingestToken,
      rounds: ROUNDS,
      clients: CLIENTS,
      sample: () => poolState(test.dataSource),
    });
    console.log(JSON.stringify({ latency_ms: result.latency_ms, samples: result.samples }));
    expect(result.failures).toEqual([]);
    expect(result.requests).toBe(ROUNDS * CLIENTS * 5);
    const warm = result.samples.slice(WARM_UP);
    const baseline = warm[0];
    for (const sample of warm) {
      // Live heap after a full GC: a leak of even a few kB per request (thousands of requests) would exceed this.
      expect(sample.heap_mb).toBeLessThan(baseline.heap_mb + 8);
      // The pool never grows past its size and no one waits for a client. (A client may be busy between rounds:
      // the days the soak's events made dirty are recomputed in the background.)
      expect(sample.pool_total).toBeLessThanOrEqual(10);
      expect(sample.pool_waiting).toBe(0);
      expect(sample.db_sessions).toBeLessThanOrEqual(10);
    }
    // Once the traffic and the background work it caused are over, every client is back in the pool: none leaked.
    const after = await poolState(test.dataSource, 30_000);
    expect(after.pool_checked_out).toBe(0);
    expect(after.db_sessions).toBeLessThanOrEqual(10);
    const [{ stored }] = await test.dataSource.query(
      `SELECT count(*)::int AS stored FROM metrics_ingested_event WHERE event_id LIKE 'soak-%'`,
    );
    expect(stored).toBe(ROUNDS * CLIENTS * 50);
  }, 300_000);
});
