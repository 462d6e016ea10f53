import { MetricsModule } from '@exec-metrics/metrics';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/**
 * The module mounts its routes with Nest's RouterModule, on route module classes of each import's own: the
 * controller classes are never rewritten, so two imports (or two apps in one process) keep their own prefixes.
 */
describe('Route mounting', () => {
  const apps: TestApp[] = [];

  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  /** How many catalog metrics a prefix lists (the same catalog whatever the prefix), or the status if not 200. */
  async function catalogAt(test: TestApp, prefix: string): Promise<number | string> {
    const answer = await call(test, 'GET', `/${prefix}/catalog`);
    if (answer.status !== 200) return `status ${answer.status}`;
    return (answer.body as { metrics: unknown[] }).metrics.length;
  }

  it('serves two imports of the module under two prefixes in one app, each with its own options', async () => {
    const test = await createTestApp({
      metrics: { routePrefix: 'first/metrics', rateLimit: false },
      imports: [
        MetricsModule.forRoot({
          environment: 'second',
          schedule: { enabled: false },
          routePrefix: '/second/metrics/',
          rateLimit: false,
        }),
      ],
    });
    apps.push(test);
    const catalogSize = await catalogAt(test, 'first/metrics');
    expect(typeof catalogSize).toBe('number');
    expect(catalogSize).toBeGreaterThan(10);
    // The admin token is a stored token: the second import's guard accepts it too.
    expect(await catalogAt(test, 'second/metrics')).toBe(catalogSize);
    // Nothing is left at the default prefix, nor at the root.
    expect(await catalogAt(test, 'api/system/metrics')).toBe('status 404');
    expect((await call(test, 'GET', '/catalog')).status).toBe(404);

    // Each import keeps its own options: a backfill through the second prefix writes the second environment.
    const started = await call(test, 'POST', '/second/metrics/backfill', {
      body: { start: '2026-01-01', end: '2026-01-02' },
    });
    expect(started.status).toBe(202);
    const runId = (started.body as { run_id: string }).run_id;
    let state: { status: string } = { status: 'queued' };
    for (let attempt = 0; attempt < 200 && ['queued', 'running'].includes(state.status); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = (await call(test, 'GET', `/second/metrics/runs/${runId}`)).body as { status: string };
    }
    expect(state.status).toBe('succeeded');
    const environments = await test.dataSource.query<{ environment: string; days: number }[]>(
      `SELECT environment, count(*)::int AS days FROM system_metrics_snapshot
        WHERE tenant_id IS NULL AND bucket_type = 'daily' GROUP BY environment ORDER BY environment`,
    );
    expect(environments).toEqual([{ environment: 'second', days: 2 }]);
  });

  it('leaves the routes of a running app in place when a second app starts with another prefix', async () => {
    const first = await createTestApp({ metrics: { routePrefix: 'one/metrics', rateLimit: false } });
    apps.push(first);
    const catalogSize = await catalogAt(first, 'one/metrics');
    expect(typeof catalogSize).toBe('number');

    const second = await createTestApp({ metrics: { routePrefix: 'two/metrics', rateLimit: false } });
    apps.push(second);
    expect(await catalogAt(second, 'two/metrics')).toBe(catalogSize);
    expect(await catalogAt(second, 'one/metrics')).toBe('status 404');
    // The first app answers where it did before, and not under the second app's prefix.
    expect(await catalogAt(first, 'one/metrics')).toBe(catalogSize);
    expect(await catalogAt(first, 'two/metrics')).toBe('status 404');
    // Two app starts (migrations, catalog check) take 20 s alone and over a minute on a loaded machine.
  }, 180_000);
});
