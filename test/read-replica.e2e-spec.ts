import { parse } from 'csv-parse/sync';
import { MetricsService } from '@exec-metrics/metrics';
import type { TemporaryPostgres, TemporaryStandby } from '../scripts/postgres-server.mjs';
import { ownPostgres } from './support/postgres.js';
import { insertSourceRows } from './support/source-rows.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';
const APRIL = 'start=2025-04-01&end=2025-04-30';

/**
 * The dashboard's reads on a read replica: a real hot standby fed by streaming replication. With the standby's
 * replay paused, the reads keep answering what the standby holds while the primary moves on, which shows where
 * they are served from; their audit records are written on the primary all the same.
 */
describe('reads on a read replica (hot standby)', () => {
  let primary: TemporaryPostgres;
  let standby: TemporaryStandby;
  let test: TestApp;

  const signups = (rows: [string, string, string][]) =>
    insertSourceRows(test.dataSource, { lifecycle: rows.map(([tenant, user, at]) => [tenant, user, 'signup', at]) });
  const newCustomers = async () =>
    ((await call(test, 'GET', `${PREFIX}/summary?${APRIL}&tenant=acme`)).body as { metrics: Record<string, number> })
      .metrics.new_customers;
  const audited = async () =>
    (
      await test.dataSource.query<
        {
          n: number;
        }[]
      >(`SELECT count(*)::int AS n FROM metrics_audit_log WHERE action = 'read'`)
    )[0].n;

  beforeAll(async () => {
    primary = await ownPostgres();
    standby = await primary.startStandby();
    test = await createTestApp({ databaseUrl: primary.url, readReplicaUrl: standby.url });
    await signups([
      ['acme', 'u1', '2025-04-01T10:00:00Z'],
      ['acme', 'u2', '2025-04-02T10:00:00Z'],
    ]);
    await test.app.get(MetricsService).computeRange({ start: '2025-04-01', end: '2025-04-30' });
    await standby.caughtUp();
  }, 120_000);

  afterAll(async () => {
    await test?.close();
    standby?.stop();
    primary?.stop();
  });

  it('answers from the standby, and follows the primary once the standby has replayed its changes', async () => {
    expect(await newCustomers()).toBe(2);

    standby.pause();
    await signups([['acme', 'u3', '2025-04-03T10:00:00Z']]);
    await test.app.get(MetricsService).computeRange({ start: '2025-04-01', end: '2025-04-30' });
    const before = await audited();
    // The primary has 3; the paused standby still holds 2, and that is what every read route answers.
    expect(await newCustomers()).toBe(2);
    const timeseries = (await call(test, 'GET', `${PREFIX}/timeseries?${APRIL}&tenant=acme&metric=new_customers`))
      .body as { series: { new_customers: { value: number }[] } };
    expect(timeseries.series.new_customers.reduce((sum, point) => sum + point.value, 0)).toBe(2);
    const csv = parse<{ new_customers: string }>(
      (await call(test, 'GET', `${PREFIX}/export.csv?${APRIL}&tenant=acme&bucket=monthly`)).text,
      {
        columns: true,
      },
    );
    expect(csv.map((row) => row.new_customers)).toEqual(['2']);
    // The reads were audited on the primary while the standby could not be written.
    expect(await audited()).toBe(before + 2);

    standby.resume();
    await standby.caughtUp();
    expect(await newCustomers()).toBe(3);
  });

  it('keeps writes on the primary: configuration changes and backfills work while the standby is paused', async () => {
    standby.pause();
    try {
      const patched = await call(test, 'PATCH', `${PREFIX}/config`, { body: { churn_spike_threshold_pct: 9 } });
      expect(patched.status).toBe(200);
      const backfill = await call(test, 'POST', `${PREFIX}/backfill`, {
        body: { start: '2025-04-01', end: '2025-04-02' },
      });
      expect(backfill.status).toBe(202);
      const run = await test.app.get(MetricsService).waitForRun((backfill.body as { run_id: string }).run_id);
      expect(run.status).toBe('succeeded');
    } finally {
      standby.resume();
    }
  });
});
