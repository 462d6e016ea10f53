import { ApiRequestCollector } from '@exec-metrics/metrics';
import { applyApiMetrics, burst, OpsModule, refusedByHostGuard, STATUSES_OF_600 } from './support/ops-host.js';
import { call, createTestApp, type TestApp, type TestAppOptions } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

type Totals = { requests: number; client: number; server: number };

async function rows(test: TestApp): Promise<Record<string, Totals>> {
  const found = await test.dataSource.query<(Totals & { key: string })[]>(
    `SELECT coalesce(tenant_id, '-') || ' ' || route AS key, sum(requests)::int AS requests,
            sum(client_errors)::int AS client, sum(server_errors)::int AS server
     FROM metrics_api_request_rollup GROUP BY 1 ORDER BY 1`,
  );
  return Object.fromEntries(found.map(({ key, ...totals }) => [key, totals]));
}

/**
 * 600 requests of the burst (20 kinds × 3 tenant choices, each pair 10 times), 10 a host guard refuses and a few
 * of the module's own routes: only the burst is counted, per tenant and route pattern, with the statuses the client
 * received.
 */
async function countsTheBurstOnly(test: TestApp): Promise<void> {
  expect(Object.fromEntries(await burst(test.baseUrl, 600, 25))).toEqual(STATUSES_OF_600);
  await refusedByHostGuard(test.baseUrl, 10);
  expect((await call(test, 'GET', `${PREFIX}/catalog`)).status).toBe(200);
  expect((await call(test, 'GET', `${PREFIX}/summary?start=2025-01-01&end=2025-01-02`)).status).toBe(200);
  expect((await call(test, 'GET', `${PREFIX}/summary?start=nonsense`)).status).toBe(400);

  expect(await test.app.get(ApiRequestCollector).flush()).toBe(true);
  const expected: Record<string, Totals> = {};
  // Per tenant (acme, globex, none): kinds 0–12 answer 200, 13–14 the slow route, 15–16 a NotFoundException
  // (404), 17 a 418 without exception, 18 a plain Error (500), 19 a ServiceUnavailableException (503).
  for (const tenant of ['acme', 'globex', '-']) {
    expected[`${tenant} GET /ops/boom`] = { requests: 10, client: 0, server: 10 };
    expected[`${tenant} GET /ops/items/:id`] = { requests: 130, client: 0, server: 0 };
    expected[`${tenant} GET /ops/missing/:id`] = { requests: 20, client: 20, server: 0 };
    expected[`${tenant} GET /ops/slow`] = { requests: 20, client: 0, server: 0 };
    expected[`${tenant} GET /ops/teapot`] = { requests: 10, client: 10, server: 0 };
    expected[`${tenant} GET /ops/unavailable`] = { requests: 10, client: 0, server: 10 };
  }
  expect(await rows(test)).toEqual(expected);
}

function options(configure?: TestAppOptions['configure']): TestAppOptions {
  return {
    // No timer flush during the test: explicit flushes do the writing.
    metrics: { apiMetrics: { flushIntervalMs: 3_600_000, countRequests: true }, rateLimit: false },
    imports: [OpsModule],
    configure,
    quiet: true,
  };
}

describe('API request counter (apiMetrics.countRequests): what the interceptor counts, without it', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp(options());
  });

  afterAll(() => test.close());

  it('counts requests that reached a handler by tenant, route pattern and final status; not guard refusals, not the module', async () => {
    await countsTheBurstOnly(test);
    // The duration runs until the response finished: the slow route slept 60 ms.
    const [{ slowest }] = await test.dataSource.query<{ slowest: number }[]>(
      `SELECT min(latency_sum_ms / requests)::float8 AS slowest FROM metrics_api_request_rollup
       WHERE route = 'GET /ops/slow'`,
    );
    expect(slowest).toBeGreaterThanOrEqual(55);
  });
});

describe('API request counter with the interceptor also applied (a host switching over)', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp(options(applyApiMetrics));
  });

  afterAll(() => test.close());

  it('counts each request once', async () => {
    await countsTheBurstOnly(test);
  });
});

describe('API request counter under a global prefix, the module included on request', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({
      metrics: {
        apiMetrics: { flushIntervalMs: 3_600_000, countRequests: true, includeOwnRoutes: true },
        rateLimit: false,
      },
      imports: [OpsModule],
      configure: (app) => app.setGlobalPrefix('v1'),
      quiet: true,
    });
  });

  afterAll(() => test.close());

  it('records the full route pattern, and the module routes only with includeOwnRoutes', async () => {
    const answer = await fetch(`${test.baseUrl}/v1/ops/items/7`, { headers: { 'x-tenant-id': 'acme' } });
    expect(answer.status).toBe(200);
    expect((await call(test, 'GET', `/v1${PREFIX}/catalog`)).status).toBe(200);
    expect(await test.app.get(ApiRequestCollector).flush()).toBe(true);
    expect(await rows(test)).toEqual({
      '- GET /v1/api/system/metrics/catalog': { requests: 1, client: 0, server: 0 },
      'acme GET /v1/ops/items/:id': { requests: 1, client: 0, server: 0 },
    });
  });
});
