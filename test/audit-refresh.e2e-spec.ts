import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';
const RANGE = 'start=2025-01-01&end=2025-01-31';
/** Four audited reads of the kind a dashboard makes per load and per refresh (the panel's first view is one: GET first-view). */
const DASHBOARD = [
  `${PREFIX}/summary?${RANGE}&bucket=daily`,
  `${PREFIX}/summary?start=2024-12-01&end=2024-12-31&bucket=daily`,
  `${PREFIX}/timeseries?${RANGE}&bucket=daily&metric=dau,mrr`,
  `${PREFIX}/cohorts?months=12`,
];
const AUTO = { 'x-metrics-refresh': 'auto' };

/**
 * An open dashboard with auto-refresh: one audit record per view (load, filter change), not one per refresh
 * (docs/audit-retention.md has the measured rows per admin-day).
 */
describe('audit records of an auto-refreshing dashboard', () => {
  let test: TestApp;
  const reads = async () =>
    (
      await test.dataSource.query<
        {
          n: number;
        }[]
      >(`SELECT count(*)::int AS n FROM metrics_audit_log WHERE action = 'read'`)
    )[0].n;
  const dashboard = async (headers: Record<string, string> = {}, token = test.adminToken) => {
    for (const path of DASHBOARD) expect((await call(test, 'GET', path, { headers, token })).status).toBe(200);
  };

  beforeAll(async () => {
    test = await createTestApp({ metrics: { rateLimit: false } });
  });

  afterAll(() => test.close());

  it('records a load and then none of 30 refreshes of the same view; every refresh when the client does not say so', async () => {
    const start = await reads();
    await dashboard();
    for (let refresh = 0; refresh < 30; refresh += 1) await dashboard(AUTO);
    expect((await reads()) - start).toBe(4);
    // A client that does not flag its refreshes (an integration polling, a person reloading): each one recorded.
    for (let refresh = 0; refresh < 30; refresh += 1) await dashboard();
    expect((await reads()) - start).toBe(4 + 120);
  });

  it('records a refresh that shows something not recorded yet: a filter change, another admin', async () => {
    const start = await reads();
    // A new tenant filter: a new view, even flagged as a refresh.
    for (const path of DASHBOARD) await call(test, 'GET', `${path}&tenant=acme`, { headers: AUTO });
    expect((await reads()) - start).toBe(4);
    const created = await call(test, 'POST', `${PREFIX}/tokens`, { body: { name: 'second admin', scope: 'admin' } });
    const other = (created.body as { token: string }).token;
    await dashboard(AUTO, other);
    expect((await reads()) - start).toBe(8);
    await dashboard(AUTO, other);
    expect((await reads()) - start).toBe(8);
    const actors = await test.dataSource.query<{ actor: string }[]>(
      `SELECT DISTINCT actor FROM metrics_audit_log WHERE action = 'read' AND route LIKE '%summary'`,
    );
    expect(actors).toHaveLength(2);
  });

  it('records a refresh that failed: only a successful view already recorded is skipped', async () => {
    const start = await reads();
    const answer = await call(test, 'GET', `${PREFIX}/summary?start=2025-02-30&end=2025-03-01`, { headers: AUTO });
    expect(answer.status).toBe(400);
    await call(test, 'GET', `${PREFIX}/summary?start=2025-02-30&end=2025-03-01`, { headers: AUTO });
    expect((await reads()) - start).toBe(2);
  });
});
