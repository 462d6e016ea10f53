import type { NextFunction, Request, Response } from 'express';
import { insertSourceRows } from './support/source-rows.js';
import { MetricsService, setupMetricsOpenApi } from '@exec-metrics/metrics';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';
const UUID = '00000000-0000-4000-8000-000000000000';

/** The host's authentication: users from a header (a session or JWT in a real app). */
function hostAuth(request: Request & { user?: unknown }, _response: Response, next: NextFunction) {
  const users: Record<string, unknown> = {
    boss: { id: 1, email: 'boss@host.test', role: 'admin' },
    intern: { id: 2, email: 'intern@host.test', role: 'member' },
    'acme-admin': { id: 3, email: 'ops@acme.test', role: 'admin', tenants: ['acme'] },
  };
  const name = request.headers['x-test-user'];
  if (typeof name === 'string' && users[name]) request.user = users[name];
  next();
}

interface Route {
  method: string;
  path: string;
}

/** Every route of the module, from Express's own router (so a route missing from the OpenAPI document counts). */
function moduleRoutes(test: TestApp): Route[] {
  const express = test.app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  return express.router.stack
    .flatMap((layer) =>
      layer.route && layer.route.path.startsWith(PREFIX)
        ? Object.keys(layer.route.methods).map((method) => ({ method: method.toUpperCase(), path: layer.route!.path }))
        : [],
    )
    .map((route) => ({ ...route, path: route.path.replace(/:\w+/g, UUID) }));
}

describe('no route without admin rights', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({
      configure: (app) => {
        app.use(hostAuth);
        setupMetricsOpenApi(app, 'api/docs');
      },
    });
  });

  afterAll(() => test.close());

  it('finds every route the OpenAPI document lists in the router', async () => {
    const document = (await call(test, 'GET', '/api/docs-json', { token: null })).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{\w+\}/g, UUID)}`),
    );
    const routed = moduleRoutes(test).map((route) => `${route.method} ${route.path}`);
    expect(routed.sort()).toEqual(documented.sort());
    expect(routed.length).toBeGreaterThanOrEqual(17);
  });

  it('answers 401 without credentials, 403 to non-admins and to ingest tokens (except events)', async () => {
    const seen: string[] = [];
    for (const route of moduleRoutes(test)) {
      const name = `${route.method} ${route.path}`;
      // Stripe's webhook takes no token: its proof is the signature over the body (test/revenue.e2e-spec.ts),
      // and without a configured signing secret it does not exist.
      if (name === `POST ${PREFIX}/stripe/webhook`) {
        expect((await call(test, 'POST', route.path, { token: null, body: {} })).status).toBe(404);
        seen.push(`${name} signature-only`);
        continue;
      }
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const anonymous = await call(test, route.method, route.path, { token: null, body });
      const intern = await call(test, route.method, route.path, {
        token: null,
        body,
        headers: { 'x-test-user': 'intern', origin: test.baseUrl },
      });
      const ingest = await call(test, route.method, route.path, { token: test.ingestToken, body });
      const bogus = await call(test, route.method, route.path, { token: 'emt_a_forged', body });
      seen.push(`${name} ${anonymous.status} ${intern.status} ${ingest.status} ${bogus.status}`);
      expect({ name, status: anonymous.status }).toEqual({ name, status: 401 });
      expect({ name, status: intern.status }).toEqual({ name, status: 403 });
      expect({ name, status: bogus.status }).toEqual({ name, status: 401 });
      const ingestAllowed = route.method === 'POST' && route.path === `${PREFIX}/events`;
      // The ingest token passes the guard on events only; the empty body is then refused by validation.
      expect({ name, status: ingest.status }).toEqual({ name, status: ingestAllowed ? 400 : 403 });
    }
    expect(seen.length).toBe(moduleRoutes(test).length);
  });
});

describe('CSRF on cookie-authenticated changes', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({
      configure: (app) => app.use(hostAuth),
      metrics: { csrf: { trustedOrigins: ['https://admin.host.test'] } },
    });
  });

  afterAll(() => test.close());

  const patch = (headers: Record<string, string>) =>
    call(test, 'PATCH', `${PREFIX}/config`, {
      token: null,
      body: { payment_failure_threshold: 4 },
      headers: { 'x-test-user': 'boss', ...headers },
    });

  it('refuses a change with no proof of origin, or from another site', async () => {
    const none = await patch({});
    expect(none.status).toBe(403);
    expect((none.body as { message: string }).message).toMatch(/Cross-site request refused.*x-csrf-token/);
    const foreign = await patch({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect((foreign.body as { message: string }).message).toBe(
      'Cross-site request refused: origin https://evil.example is not this site',
    );
    expect((await patch({ referer: 'https://evil.example/page' })).status).toBe(403);
    const wrongToken = await patch({ 'x-csrf-token': 'a'.repeat(32), cookie: `metrics_csrf=${'b'.repeat(32)}` });
    expect(wrongToken.status).toBe(403);
    const [config] = await test.dataSource.query('SELECT payment_failure_threshold FROM system_metrics_config');
    expect(config?.payment_failure_threshold ?? 3).toBe(3);
  });

  it('accepts same-site Origin, a Referer, a trusted origin, the double-submit token, and bearer tokens', async () => {
    expect((await patch({ origin: test.baseUrl })).status).toBe(200);
    expect((await patch({ referer: `${test.baseUrl}/admin/pages/x` })).status).toBe(200);
    expect((await patch({ origin: 'https://admin.host.test' })).status).toBe(200);
    const token = 'c'.repeat(32);
    expect((await patch({ 'x-csrf-token': token, cookie: `other=1; metrics_csrf=${token}` })).status).toBe(200);
    const bearer = await call(test, 'PATCH', `${PREFIX}/config`, { body: { payment_failure_threshold: 6 } });
    expect(bearer.status).toBe(200);
    // Reads need no proof: a cross-site GET cannot read the answer.
    expect(
      (await call(test, 'GET', `${PREFIX}/catalog`, { token: null, headers: { 'x-test-user': 'boss' } })).status,
    ).toBe(200);
    const [config] = await test.dataSource.query('SELECT payment_failure_threshold FROM system_metrics_config');
    expect(config.payment_failure_threshold).toBe(6);
  });
});

describe('tenantScope', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({
      configure: (app) => app.use(hostAuth),
      metrics: {
        tenantScope: (request) => (request as Request & { user?: { tenants?: string[] } }).user?.tenants ?? null,
      },
    });
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['acme', 'a1', 'signup', '2025-01-02T10:00:00Z'],
        ['acme', 'a2', 'signup', '2025-01-03T10:00:00Z'],
        ['globex', 'g1', 'signup', '2025-01-02T10:00:00Z'],
      ],
    });
    await test.app.get(MetricsService).run({ start: '2025-01-01', end: '2025-01-05', trigger: 'backfill' });
  });

  afterAll(() => test.close());

  const as = (user: string, method: string, path: string, body?: unknown) =>
    call(test, method, path, { token: null, body, headers: { 'x-test-user': user, origin: test.baseUrl } });
  const range = 'start=2025-01-01&end=2025-01-05';

  it('shows a scoped user their tenants only', async () => {
    const own = await as('acme-admin', 'GET', `${PREFIX}/summary?${range}&tenant=acme`);
    expect(own.status).toBe(200);
    expect((own.body as { latest: { metrics: { total_customers: number } } }).latest.metrics.total_customers).toBe(2);
    const series = await as('acme-admin', 'GET', `${PREFIX}/timeseries?${range}&tenant=acme&metric=new_customers`);
    expect(series.status).toBe(200);
    expect((await as('acme-admin', 'GET', `${PREFIX}/cohorts?tenant=acme`)).status).toBe(200);
    const csv = await as('acme-admin', 'GET', `${PREFIX}/export.csv?${range}&tenant=acme`);
    expect(csv.status).toBe(200);
    expect(csv.text).not.toContain('globex');
    expect((await as('acme-admin', 'GET', `${PREFIX}/catalog`)).status).toBe(200);
    expect((await as('acme-admin', 'GET', `${PREFIX}/config`)).status).toBe(200);
    const backfill = await as('acme-admin', 'POST', `${PREFIX}/backfill`, {
      start: '2025-01-01',
      end: '2025-01-02',
      tenant: 'acme',
    });
    expect(backfill.status).toBe(202);
    await test.app.get(MetricsService).waitForRun((backfill.body as { run_id: string }).run_id);
  });

  it('refuses the global view, other tenants and tenant-less routes to a scoped user', async () => {
    const refusals: [string, string, unknown?][] = [
      ['GET', `${PREFIX}/summary?${range}`],
      ['GET', `${PREFIX}/summary?${range}&tenant=globex`],
      ['GET', `${PREFIX}/summary?${range}&tenant=acme&tenant=globex`],
      ['GET', `${PREFIX}/timeseries?${range}&metric=dau`],
      ['GET', `${PREFIX}/timeseries?${range}&metric=dau&tenant=globex`],
      ['GET', `${PREFIX}/cohorts`],
      ['GET', `${PREFIX}/cohorts?tenant=globex`],
      ['GET', `${PREFIX}/export.csv?${range}`],
      ['GET', `${PREFIX}/export.csv?${range}&tenant=globex`],
      ['GET', `${PREFIX}/export.csv?${range}&all_tenants=true`],
      ['POST', `${PREFIX}/backfill`, { start: '2025-01-01', end: '2025-01-02' }],
      ['POST', `${PREFIX}/backfill`, { start: '2025-01-01', end: '2025-01-02', tenant: 'globex' }],
      ['PATCH', `${PREFIX}/config`, { payment_failure_threshold: 9 }],
      ['GET', `${PREFIX}/runs`],
      ['GET', `${PREFIX}/tokens`],
      ['GET', `${PREFIX}/audit`],
      ['GET', `${PREFIX}/audit/verify`],
      [
        'POST',
        `${PREFIX}/events`,
        { events: [{ type: 'login', at: '2025-01-01T00:00:00Z', tenant: 'globex', user: 'x' }] },
      ],
    ];
    for (const [method, path, body] of refusals) {
      const response = await as('acme-admin', method, path, body);
      expect({ path, status: response.status }).toEqual({ path, status: 403 });
      expect((response.body as { message: string }).message).toMatch(/tenant|access/i);
    }
    const [config] = await test.dataSource.query('SELECT payment_failure_threshold FROM system_metrics_config');
    expect(config.payment_failure_threshold).toBe(3);
  });

  it('leaves unscoped admins and tokens with the global view', async () => {
    const global = await as('boss', 'GET', `${PREFIX}/summary?${range}`);
    expect(global.status).toBe(200);
    expect((global.body as { latest: { metrics: { total_customers: number } } }).latest.metrics.total_customers).toBe(
      3,
    );
    expect((await call(test, 'GET', `${PREFIX}/summary?${range}&tenant=globex`)).status).toBe(200);
  });
});
