import type { DataSource } from 'typeorm';
import { call, createTestApp, type TestApp } from './support/test-app.js';
import { snapshot } from './support/source-rows.js';

const PREFIX = '/api/system/metrics';
const SOURCE_TABLES = [
  'metrics_lifecycle_event',
  'metrics_activity_event',
  'system_activation_event',
  'metrics_job_event',
  'metrics_ai_usage_event',
  'metrics_api_request_rollup',
  'metrics_ingested_event',
];

async function rowCounts(dataSource: DataSource): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SOURCE_TABLES) {
    const [row] = await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = row.n;
  }
  return counts;
}

const batch = [
  { id: 'e1', type: 'signup', at: '2025-06-02T09:00:00Z', tenant: 'acme', user: 'ann' },
  { id: 'e2', type: 'signup', at: '2025-06-02T10:00:00+02:00', tenant: 'acme', user: 'bob' },
  { id: 'e3', type: 'login', at: '2025-06-02T09:05:00Z', tenant: 'acme', user: 'ann' },
  { id: 'e4', type: 'activity', at: '2025-06-03T09:05:00Z', tenant: 'acme', user: 'bob' },
  { id: 'e5', type: 'activation', at: '2025-06-03T09:06:00Z', tenant: 'acme', user: 'bob', action: 'report_generate' },
  { id: 'e6', type: 'trial_started', at: '2025-06-02T09:01:00Z', tenant: 'acme', user: 'ann' },
  {
    id: 'e7',
    type: 'job',
    at: '2025-06-03T12:00:30Z',
    tenant: 'acme',
    job: 'export',
    status: 'failed',
    started_at: '2025-06-03T12:00:00Z',
  },
  {
    id: 'e8',
    type: 'ai_usage',
    at: '2025-06-03T12:00:00Z',
    tenant: 'acme',
    model: 'small',
    input_tokens: 900,
    output_tokens: 100,
    cost_usd: 0.0125,
  },
  {
    id: 'e9',
    type: 'api_request',
    at: '2025-06-03T12:00:01Z',
    tenant: 'acme',
    status: 200,
    duration_ms: 30,
    route: 'GET /x',
  },
  {
    id: 'e10',
    type: 'api_request',
    at: '2025-06-03T12:00:59Z',
    tenant: 'acme',
    status: 503,
    duration_ms: 250,
    route: 'GET /x',
  },
  { type: 'deactivate', at: '2025-06-04T08:00:00Z', tenant: 'acme', user: 'ann' },
  { type: 'login', at: '2025-06-04T08:00:00Z', tenant: null, user: 'anonymous-1' },
];

describe('POST /events', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp();
  });

  afterAll(() => test.close());

  it('stores a batch and, after a backfill, gives exactly the numbers metrics.md defines', async () => {
    const { status, body } = await call(test, 'POST', `${PREFIX}/events`, {
      token: test.ingestToken,
      body: { events: batch },
    });
    expect(status).toBe(200);
    expect(body).toEqual({ accepted: 12, duplicates: 0 });
    expect(await rowCounts(test.dataSource)).toEqual({
      metrics_lifecycle_event: 4,
      metrics_activity_event: 3,
      system_activation_event: 1,
      metrics_job_event: 1,
      metrics_ai_usage_event: 1,
      metrics_api_request_rollup: 1,
      metrics_ingested_event: 10,
    });
    const [rollup] = await test.dataSource.query(
      `SELECT requests::int, client_errors::int, server_errors::int, latency_sum_ms::float8 AS sum, latency_histogram::text AS h
       FROM metrics_api_request_rollup`,
    );
    expect(rollup).toEqual({
      requests: 2,
      client_errors: 0,
      server_errors: 1,
      sum: 280,
      h: '{0,0,0,1,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0}', // 30 ms in [25, 50), 250 ms in [200, 300)
    });

    const backfill = await call(test, 'POST', `${PREFIX}/backfill`, {
      body: { start: '2025-06-01', end: '2025-06-30' },
    });
    expect(backfill.status).toBe(202);
    const runId = (backfill.body as { run_id: string }).run_id;
    let run: { status: string; done: number; total: number } = { status: 'queued', done: 0, total: 0 };
    for (let attempt = 0; attempt < 100 && !['succeeded', 'failed'].includes(run.status); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      run = (await call(test, 'GET', `${PREFIX}/runs/${runId}`)).body as typeof run;
    }
    expect(run).toMatchObject({ status: 'succeeded', done: 30, total: 30 });

    expect(await snapshot(test.dataSource, 'daily', '2025-06-02', 'acme')).toMatchObject({
      new_customers: 2,
      total_customers: 2,
      dau: 1,
      trial_started: 1,
    });
    expect(await snapshot(test.dataSource, 'daily', '2025-06-03', 'acme')).toMatchObject({
      dau: 1,
      wau: 2,
      activated_users: 1,
      users_generated_report: 1,
      jobs_total: 1,
      jobs_failed: 1,
      job_failure_rate: 100,
      jobs_avg_duration_sec: 30,
      ai_tokens_used: 1000,
      ai_cost_usd: 0.0125,
      api_requests_total: 2,
      api_errors_total: 1,
      error_rate: 50,
      api_avg_latency_ms: 140,
    });
    expect(await snapshot(test.dataSource, 'daily', '2025-06-04', 'acme')).toMatchObject({
      churned_customers: 1,
      total_customers: 1,
      customer_churn_rate: 50,
    });
    // The tenant-less login counts in the global view only.
    expect(await snapshot(test.dataSource, 'daily', '2025-06-04', null)).toMatchObject({ dau: 1, total_customers: 1 });
  });

  it('skips events whose id was stored before, and repeats within one batch', async () => {
    const before = await rowCounts(test.dataSource);
    const again = await call(test, 'POST', `${PREFIX}/events`, {
      token: test.ingestToken,
      body: {
        events: [
          ...batch.slice(0, 10),
          { id: 'new-1', type: 'login', at: '2025-06-05T10:00:00Z', tenant: 'acme', user: 'bob' },
          { id: 'new-1', type: 'login', at: '2025-06-05T11:00:00Z', tenant: 'acme', user: 'bob' },
        ],
      },
    });
    expect(again.body).toEqual({ accepted: 1, duplicates: 11 });
    const after = await rowCounts(test.dataSource);
    expect(after.metrics_activity_event).toBe(before.metrics_activity_event + 1);
    expect(after.metrics_lifecycle_event).toBe(before.metrics_lifecycle_event);
  });

  const valid = { type: 'login', at: '2025-06-05T10:00:00Z', tenant: 'acme', user: 'bob' };
  it.each([
    ['an unknown type', { ...valid, type: 'purchase' }, 'type'],
    ['an impossible date', { ...valid, at: '2025-02-30T10:00:00Z' }, 'at'],
    ['a date without zone', { ...valid, at: '2025-06-05T10:00:00' }, 'at'],
    ['a missing user', { type: 'login', at: '2025-06-05T10:00:00Z', tenant: 'acme' }, 'user'],
    ['a tenant with spaces', { ...valid, tenant: 'acme corp' }, 'tenant'],
    ['an action that is not configured', { ...valid, type: 'activation', action: 'dance' }, 'action'],
    [
      'negative tokens',
      { type: 'ai_usage', at: valid.at, tenant: 'acme', model: 'm', input_tokens: -1, output_tokens: 0, cost_usd: 0 },
      'input_tokens',
    ],
    [
      'a job started after it finished',
      { type: 'job', at: valid.at, tenant: 'acme', job: 'j', status: 'failed', started_at: '2025-06-06T00:00:00Z' },
      'started_at',
    ],
    ['a field of another type', { ...valid, model: 'x' }, 'model'],
    ['an over-long id', { ...valid, id: 'x'.repeat(129) }, 'id'],
  ])('refuses a batch with %s, naming the event and field, storing nothing', async (_name, bad, field) => {
    const before = await rowCounts(test.dataSource);
    const { status, body } = await call(test, 'POST', `${PREFIX}/events`, {
      token: test.ingestToken,
      body: { events: [{ ...valid, id: `ok-${field}` }, bad] },
    });
    expect(status).toBe(400);
    expect((body as { errors: { index: number; field: string }[] }).errors).toContainEqual(
      expect.objectContaining({ index: 1, field }),
    );
    expect(await rowCounts(test.dataSource)).toEqual(before);
  });

  it('refuses 10,001 events, wrong JSON and bodies that are not a batch, storing nothing', async () => {
    const before = await rowCounts(test.dataSource);
    const tooMany = await call(test, 'POST', `${PREFIX}/events`, {
      token: test.ingestToken,
      body: { events: Array.from({ length: 10_001 }, () => valid) },
    });
    expect(tooMany.status).toBe(400);
    expect((tooMany.body as { errors: { field: string }[] }).errors[0].field).toBe('events');
    const broken = await call(test, 'POST', `${PREFIX}/events`, { token: test.ingestToken, rawBody: '{"events": [' });
    expect(broken.status).toBe(400);
    for (const body of [[], { events: [] }, { events: 'x' }, { events: [valid], extra: 1 }]) {
      expect((await call(test, 'POST', `${PREFIX}/events`, { token: test.ingestToken, body })).status).toBe(400);
    }
    expect(await rowCounts(test.dataSource)).toEqual(before);
  });

  it('accepts a full batch of 10,000 events', async () => {
    const events = Array.from({ length: 10_000 }, (_, index) => ({
      id: `bulk-${index}`,
      type: 'activity',
      at: new Date(Date.UTC(2025, 5, 10) + index * 1000).toISOString(),
      tenant: `t${index % 7}`,
      user: `u${index % 500}`,
    }));
    const { status, body } = await call(test, 'POST', `${PREFIX}/events`, {
      token: test.ingestToken,
      body: { events },
    });
    expect(status).toBe(200);
    expect(body).toEqual({ accepted: 10_000, duplicates: 0 });
  });

  it('answers 401 without a token', async () => {
    expect((await call(test, 'POST', `${PREFIX}/events`, { token: null, body: { events: [valid] } })).status).toBe(401);
  });
});
