import { parse } from 'csv-parse/sync';
import { MetricsRecorder, MetricsService } from '@exec-metrics/metrics';
import { call, createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows } from './support/source-rows.js';

const PREFIX = '/api/system/metrics';

describe('read API over HTTP', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp();
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['acme', 'u1', 'signup', '2025-04-01T10:00:00Z'],
        ['acme', 'u2', 'signup', '2025-04-02T10:00:00Z'],
        ['acme', 'u2', 'deactivate', '2025-04-03T10:00:00Z'],
        ['-calc', 'x1', 'signup', '2025-04-01T10:00:00Z'],
      ],
      activity: [
        ['acme', 'u1', '2025-04-01T11:00:00Z'],
        ['acme', 'u2', '2025-04-02T11:00:00Z'],
      ],
      jobs: [['acme', 'failed', '2025-04-02T11:00:00Z', '2025-04-02T11:00:10Z']],
    });
    await test.app.get(MetricsService).computeRange({ start: '2025-04-01', end: '2025-04-30' });
  });

  afterAll(() => test.close());

  it('summarises a range, with the latest snapshot and its alerts', async () => {
    const { status, body } = await call(test, 'GET', `${PREFIX}/summary?start=2025-04-01&end=2025-04-03&tenant=acme`);
    expect(status).toBe(200);
    const summary = body as {
      metrics: Record<string, number | null>;
      latest: { bucket_date: string };
      alerts: unknown[];
    };
    expect(summary.metrics).toMatchObject({
      new_customers: 2,
      churned_customers: 1,
      total_customers: 1,
      jobs_failed: 1,
    });
    expect(summary.metrics.mrr).toBeNull();
    expect(summary.latest.bucket_date).toBe('2025-04-03');
    // 04-03: 1 churned of 2 customers = 50% ≥ 2 × the 5% default threshold.
    expect(summary.alerts).toEqual([
      expect.objectContaining({ metric: 'customer_churn_rate', value: 50, threshold: 5, severity: 'critical' }),
    ]);
  });

  it('answers a timeseries with one point per bucket, null where nothing was computed', async () => {
    const { status, body } = await call(
      test,
      'GET',
      `${PREFIX}/timeseries?metric=new_customers,total_customers&start=2025-03-30&end=2025-04-02&tenant=acme`,
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      bucket: 'daily',
      per: 'day',
      series: {
        new_customers: [
          { date: '2025-03-30', value: null, complete: true },
          { date: '2025-03-31', value: null, complete: true },
          { date: '2025-04-01', value: 1, complete: true },
          { date: '2025-04-02', value: 1, complete: true },
        ],
        total_customers: [
          { date: '2025-03-30', value: null, complete: true },
          { date: '2025-03-31', value: null, complete: true },
          { date: '2025-04-01', value: 1, complete: true },
          { date: '2025-04-02', value: 2, complete: true },
        ],
      },
    });
    const monthly = await call(
      test,
      'GET',
      `${PREFIX}/timeseries?metric=new_customers&start=2025-04-15&end=2025-05-02&bucket=monthly`,
    );
    expect((monthly.body as { series: unknown }).series).toEqual({
      new_customers: [
        { date: '2025-04-01', value: 3, complete: true }, // acme's two and -calc's one, in the global view
        { date: '2025-05-01', value: null, complete: true },
      ],
    });
  });

  it('lists the catalog and the cohorts', async () => {
    const catalog = await call(test, 'GET', `${PREFIX}/catalog`);
    const keys = (catalog.body as { metrics: { key: string }[] }).metrics.map((metric) => metric.key);
    expect(keys).toContain('mrr');
    expect(keys).not.toContain('customers_at_start');
    const cohorts = await call(test, 'GET', `${PREFIX}/cohorts?tenant=acme&months=3`);
    expect(cohorts.status).toBe(200);
    expect((cohorts.body as { cohorts: { cohort_month: string; cohort_size: number }[] }).cohorts).toEqual([
      expect.objectContaining({ cohort_month: '2025-04-01', cohort_size: 2 }),
    ]);
  });

  it('reads and changes the configuration with validation', async () => {
    const changed = await call(test, 'PATCH', `${PREFIX}/config`, {
      body: { churn_spike_threshold_pct: 7.5, monthly_burn_rate: 50000, cash_balance: 600000 },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      churn_spike_threshold_pct: 7.5,
      runway_months: 12,
      updated_by: expect.any(String),
    });
    const read = await call(test, 'GET', `${PREFIX}/config`);
    expect(read.body).toMatchObject({ churn_spike_threshold_pct: 7.5, monthly_burn_rate: 50000 });

    for (const [body, field] of [
      [{ churn_spike_threshold_pct: -1 }, 'churn_spike_threshold_pct'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ currency: 'XYZ' }, 'currency'],
      [{ unknown_field: 1 }, 'unknown_field'],
      [{ activation_actions: ['Bad Action'] }, 'activation_actions'],
    ] as const) {
      const refused = await call(test, 'PATCH', `${PREFIX}/config`, { body });
      expect(refused.status).toBe(400);
      expect((refused.body as { errors: { field: string }[] }).errors.map((error) => error.field)).toContain(field);
    }
  });

  it.each([
    ['an impossible date', 'summary?start=2025-02-30&end=2025-03-01', 'start'],
    ['a reversed range', 'summary?start=2025-04-02&end=2025-04-01', 'start'],
    ['a range over the daily limit', 'summary?start=2020-01-01&end=2025-01-01', 'end'],
    ['an unknown metric', 'timeseries?metric=dau,nope&start=2025-04-01&end=2025-04-02', 'metric'],
    ['an SQL fragment as metric', 'timeseries?metric=dau;drop%20table&start=2025-04-01&end=2025-04-02', 'metric'],
    ['a tenant with spaces', 'summary?start=2025-04-01&end=2025-04-02&tenant=acme%20corp', 'tenant'],
    ['an unknown tenant', 'summary?start=2025-04-01&end=2025-04-02&tenant=nobody', 'tenant'],
    ['an unknown bucket', 'summary?start=2025-04-01&end=2025-04-02&bucket=hourly', 'bucket'],
    ['an unknown parameter', 'summary?start=2025-04-01&end=2025-04-02&debug=1', 'debug'],
    ['a missing start', 'summary?end=2025-04-02', 'start'],
    ['too many cohort months', 'cohorts?months=99', 'months'],
    ['non-numeric cohort months', 'cohorts?months=abc', 'months'],
    ['negative cohort months', 'cohorts?months=-1', 'months'],
    ['a unicode tenant', 'summary?start=2025-04-01&end=2025-04-02&tenant=%C3%A4cme', 'tenant'],
    ['an over-long tenant', `summary?start=2025-04-01&end=2025-04-02&tenant=${'a'.repeat(65)}`, 'tenant'],
    ['an SQL fragment as tenant', "summary?start=2025-04-01&end=2025-04-02&tenant=a'%20OR%20'1'='1", 'tenant'],
    ['a control character in the tenant', 'summary?start=2025-04-01&end=2025-04-02&tenant=a%00b', 'tenant'],
    ['a script tag as metric', 'timeseries?metric=%3Cscript%3E&start=2025-04-01&end=2025-04-02', 'metric'],
    [
      'a 10,000-character metric list',
      `timeseries?metric=${'dau,'.repeat(2500)}x&start=2025-04-01&end=2025-04-02`,
      'metric',
    ],
    ['no metric at all', 'timeseries?start=2025-04-01&end=2025-04-02', 'metric'],
    ['a date without dashes', 'summary?start=20250401&end=2025-04-02', 'start'],
    ['a timestamp instead of a date', 'summary?start=2025-04-01T00:00:00Z&end=2025-04-02', 'start'],
    ['a five-digit year', 'summary?start=99999-01-01&end=2025-04-02', 'start'],
    ['an empty start', 'summary?start=&end=2025-04-02', 'start'],
    ['a duplicated start', 'summary?start=2025-04-01&start=2025-04-02&end=2025-04-02', 'start'],
    ['an upper-case bucket', 'summary?start=2025-04-01&end=2025-04-02&bucket=DAILY', 'bucket'],
    ['a huge daily timeseries range', 'timeseries?metric=dau&start=1900-01-01&end=2099-12-31', 'end'],
    ['a huge export range', 'export.csv?start=1900-01-01&end=2099-12-31', 'end'],
  ])('refuses %s with a 400 naming the parameter', async (_name, path, field) => {
    const { status, body } = await call(test, 'GET', `${PREFIX}/${path}`);
    expect(status).toBe(400);
    expect((body as { errors: { field: string }[] }).errors.map((error) => error.field)).toContain(field);
  });

  it('exports a CSV that a CSV parser reads back to the same values, with formula cells neutralised', async () => {
    const { status, text, headers } = await call(
      test,
      'GET',
      `${PREFIX}/export.csv?start=2025-04-01&end=2025-04-03&tenant=acme`,
    );
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('text/csv');
    expect(headers.get('content-disposition')).toBe(
      'attachment; filename="metrics-daily-acme-2025-04-01-to-2025-04-03.csv"',
    );
    const rows = parse<Record<string, string>>(text, { columns: true });
    expect(
      rows.map((row) => [row.bucket_date, row.tenant_id, row.new_customers, row.total_customers, row.mrr]),
    ).toEqual([
      ['2025-04-01', 'acme', '1', '1', ''],
      ['2025-04-02', 'acme', '1', '2', ''],
      ['2025-04-03', 'acme', '0', '1', ''],
    ]);
    expect(Object.keys(rows[0])).toContain('customer_churn_rate');
    expect(Object.keys(rows[0])).not.toContain('customers_at_start');

    const hostile = await call(test, 'GET', `${PREFIX}/export.csv?start=2025-04-01&end=2025-04-01&tenant=-calc`);
    const [row] = parse<Record<string, string>>(hostile.text, { columns: true });
    expect(row.tenant_id).toBe("'-calc");
    expect(row.new_customers).toBe('1');
  });

  it('answers 401 without credentials and 403 for an ingest-only token', async () => {
    expect((await call(test, 'GET', `${PREFIX}/catalog`, { token: null })).status).toBe(401);
    expect((await call(test, 'GET', `${PREFIX}/catalog`, { token: 'wrong' })).status).toBe(401);
    expect((await call(test, 'GET', `${PREFIX}/catalog`, { token: test.ingestToken })).status).toBe(403);
  });
});

describe('read cache', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp();
    await insertSourceRows(test.dataSource, {
      lifecycle: [['acme', 'u1', 'signup', '2025-04-01T10:00:00Z']],
      activation: [['acme', 'u1', 'file_upload', '2025-04-01T11:00:00Z']],
    });
    await test.app.get(MetricsService).computeRange({ start: '2025-04-01', end: '2025-04-03' });
  });

  afterAll(() => test.close());

  it('serves cached answers until the snapshots or the configuration change', async () => {
    const path = `${PREFIX}/summary?start=2025-04-01&end=2025-04-03&tenant=acme`;
    const first = (await call(test, 'GET', path)).body as { metrics: Record<string, number> };
    expect(first.metrics.users_uploaded_file).toBe(1);
    // New source rows are not in the snapshots yet: the cached answer stands.
    await insertSourceRows(test.dataSource, { activation: [['acme', 'u2', 'file_upload', '2025-04-02T11:00:00Z']] });
    const cached = (await call(test, 'GET', path)).body as { metrics: Record<string, number> };
    expect(cached).toEqual(first);
    await test.app.get(MetricsService).computeRange({ start: '2025-04-02', end: '2025-04-02' });
    const fresh = (await call(test, 'GET', path)).body as { metrics: Record<string, number> };
    expect(fresh.metrics.users_uploaded_file).toBe(2);

    await call(test, 'PATCH', `${PREFIX}/config`, { body: { churn_spike_threshold_pct: 1 } });
    // A late key action through ingest marks its day for the catch-up, so the summary counts it from the events (the
    // key-action days, folded by the last run, no longer hold that day).
    await test.app.get(MetricsRecorder).record({
      type: 'activation',
      at: '2025-04-02T12:00:00Z',
      tenant: 'acme',
      user: 'u3',
      action: 'file_upload',
    });
    const afterConfig = (await call(test, 'GET', path)).body as { metrics: Record<string, number> };
    expect(afterConfig.metrics.users_uploaded_file).toBe(3);
  });
});
