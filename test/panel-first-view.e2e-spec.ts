import { MetricsService } from '@exec-metrics/metrics';
import { call, createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows } from './support/source-rows.js';

const PREFIX = '/api/system/metrics';
const AUTO = { 'x-metrics-refresh': 'auto' };

/**
 * GET first-view: the panel's first view of a dashboard in one read, each part the answer of its own route, one
 * audit record that names what was read (docs/panel.md).
 */
describe("the dashboard's first view in one read", () => {
  let test: TestApp;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const answer = await call(test, 'GET', `${PREFIX}/${path}`, { headers });
    expect([path, answer.status]).toEqual([path, 200]);
    return answer.body;
  };
  const readRecords = async () =>
    test.dataSource.query<{ route: string; params: Record<string, unknown>; outcome: number }[]>(
      `SELECT route, params, outcome FROM metrics_audit_log WHERE action = 'read' ORDER BY id`,
    );

  beforeAll(async () => {
    test = await createTestApp({ metrics: { rateLimit: false } });
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['acme', 'u1', 'signup', '2025-03-20T10:00:00Z'],
        ['acme', 'u2', 'signup', '2025-04-02T10:00:00Z'],
        ['acme', 'u2', 'deactivate', '2025-04-03T10:00:00Z'],
        ['initech', 'i1', 'signup', '2025-04-05T10:00:00Z'],
      ],
      activity: [
        ['acme', 'u1', '2025-03-21T11:00:00Z'],
        ['acme', 'u1', '2025-04-01T11:00:00Z'],
        ['acme', 'u2', '2025-04-02T11:00:00Z'],
        ['initech', 'i1', '2025-04-06T11:00:00Z'],
      ],
      jobs: [['acme', 'failed', '2025-04-02T11:00:00Z', '2025-04-02T11:00:10Z']],
    });
    await test.app.get(MetricsService).computeRange({ start: '2025-03-01', end: '2025-04-30' });
    const marked = await call(test, 'POST', `${PREFIX}/annotations`, {
      body: { day: '2025-04-10', label: 'Pricing change' },
    });
    expect(marked.status).toBe(201);
  });

  afterAll(() => test.close());

  it.each([
    { start: '2025-04-01', end: '2025-04-30', bucket: 'daily', tenant: undefined },
    { start: '2025-04-01', end: '2025-04-30', bucket: 'weekly', tenant: 'acme' },
    { start: '2025-04-06', end: '2025-04-12', bucket: undefined, tenant: 'initech' },
  ])('answers each part as its own route does: %o', async (filters) => {
    const params = new URLSearchParams(
      Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const metric = 'dau,wau,mau,new_customers,jobs_failed,mrr';
    const view = (await get(`first-view?${params}&metric=${metric}`)) as Record<string, unknown>;
    const length = (Date.parse(filters.end) - Date.parse(filters.start)) / 86_400_000 + 1;
    const day = (offset: number) =>
      new Date(Date.parse(filters.start) + offset * 86_400_000).toISOString().slice(0, 10);
    const before = new URLSearchParams(params);
    before.set('start', day(-length));
    before.set('end', day(-1));
    const annotations = new URLSearchParams(params);
    annotations.delete('bucket');
    expect(view).toEqual({
      reads: ['catalog', 'summary', 'previous summary', 'timeseries', 'annotations'],
      previous_range: { start: day(-length), end: day(-1) },
      catalog: await get('catalog'),
      summary: await get(`summary?${params}`),
      previous: await get(`summary?${before}`),
      timeseries: await get(`timeseries?${params}&metric=${metric}`),
      annotations: await get(`annotations?${annotations}`),
    });
    // Not empty answers compared with empty answers: the range has data and the mark.
    expect((view.summary as { range: { days_with_data: number } }).range.days_with_data).toBeGreaterThan(0);
    expect((view.annotations as { annotations: unknown[] }).annotations).toHaveLength(1);
  });

  it('writes one audit record that names every read, and none for an automatic refresh of the same view', async () => {
    const already = (await readRecords()).length;
    const path = 'first-view?start=2025-04-01&end=2025-04-30&bucket=daily&tenant=acme&metric=dau,mrr';
    await get(path);
    const records = (await readRecords()).slice(already);
    expect(records).toEqual([
      {
        route: `${PREFIX}/first-view`,
        outcome: 200,
        params: {
          start: '2025-04-01',
          end: '2025-04-30',
          bucket: 'daily',
          tenant: 'acme',
          metric: 'dau,mrr',
          reads: 'catalog, summary, previous summary, timeseries, annotations',
          previous_start: '2025-03-02',
          previous_end: '2025-03-31',
        },
      },
    ]);
    await get(path, AUTO);
    await get(path, AUTO);
    expect((await readRecords()).length - already).toBe(1);
    // A reader who does not say it is an automatic refresh is recorded each time.
    await get(path);
    expect((await readRecords()).length - already).toBe(2);
  });

  it('refuses bad filters by the name of the field, and records the refusal', async () => {
    const cases: [string, string][] = [
      ['start=2025-04-31&end=2025-04-30&metric=dau', 'start'],
      ['start=2025-04-01&end=2025-04-30', 'metric'],
      ['start=2025-04-01&end=2025-04-30&metric=dau,nope', 'metric'],
      ['start=2025-04-10&end=2025-04-01&metric=dau', 'start'],
      ['start=2025-04-01&end=2025-04-30&metric=dau&tenant=nobody', 'tenant'],
      ['start=2025-04-01&end=2025-04-30&metric=dau&bucket=hourly', 'bucket'],
      ['start=2025-04-01&end=2025-04-30&metric=dau&extra=1', 'extra'],
    ];
    for (const [query, field] of cases) {
      const already = (await readRecords()).length;
      const answer = await call(test, 'GET', `${PREFIX}/first-view?${query}`);
      expect([query, answer.status]).toEqual([query, 400]);
      const errors = (answer.body as { errors: { field: string }[] }).errors.map((error) => error.field);
      expect([query, errors]).toEqual([query, expect.arrayContaining([field])]);
      const records = (await readRecords()).slice(already);
      expect(records.map((record) => [record.route, record.outcome])).toEqual([[`${PREFIX}/first-view`, 400]]);
    }
  });

  it('is for admins only, like the routes it gathers', async () => {
    const path = `${PREFIX}/first-view?start=2025-04-01&end=2025-04-30&metric=dau`;
    expect((await call(test, 'GET', path, { token: null })).status).toBe(401);
    expect((await call(test, 'GET', path, { token: test.ingestToken })).status).toBe(403);
  });
});
