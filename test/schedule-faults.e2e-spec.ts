import { MetricsService } from '@exec-metrics/metrics';
import type { TemporaryPostgres } from '../scripts/postgres-server.mjs';
import { ownPostgres } from './support/postgres.js';
import { insertSourceRows, type SourceRows } from './support/source-rows.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

/** A signup and a login a day for two tenants, over `days` days from 2023-01-01. */
function history(days: number, user: string): SourceRows {
  const lifecycle: NonNullable<SourceRows['lifecycle']> = [];
  const activity: NonNullable<SourceRows['activity']> = [];
  for (let day = 0; day < days; day += 1) {
    const at = new Date(Date.UTC(2023, 0, 1 + day, 12)).toISOString();
    for (const tenant of ['a', 'b']) {
      lifecycle.push([tenant, `${user}-${day}`, 'signup', at]);
      activity.push([tenant, `${user}-${day}`, at]);
    }
  }
  return { lifecycle, activity };
}

async function waitForEnd(test: TestApp, runId: string): Promise<{ status: string; error?: string }> {
  for (;;) {
    const run = (await test.app.get(MetricsService).getRun(runId)) as { status: string; error?: string };
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the database goes away in the middle of a backfill', () => {
  let server: TemporaryPostgres;
  let test: TestApp;

  beforeAll(async () => {
    server = await ownPostgres({ durable: true });
    test = await createTestApp({ databaseUrl: server.url });
  });

  afterAll(async () => {
    await test.close();
    server.stop();
  });

  it('fails the run clearly, keeps the previous snapshots, and a retry completes', async () => {
    await insertSourceRows(test.dataSource, history(40, 'first'));
    const first = await test.app
      .get(MetricsService)
      .run({ start: '2023-01-01', end: '2025-12-31', trigger: 'backfill' });
    expect(first.status).toBe('succeeded');
    const digest = async () =>
      (
        await test.dataSource.query(
          `SELECT md5(string_agg(bucket_type || bucket_date || coalesce(tenant_id, '-') || total_customers || dau, ',' ORDER BY id)) AS d
         FROM system_metrics_snapshot`,
        )
      )[0].d as string;
    const before = await digest();

    await insertSourceRows(test.dataSource, history(40, 'second'));
    const started = await call(test, 'POST', `${PREFIX}/backfill`, {
      body: { start: '2023-01-01', end: '2025-12-31' },
    });
    const runId = (started.body as { run_id: string }).run_id;
    await new Promise((resolve) => setTimeout(resolve, 150));
    server.crash();
    const failed = await waitForEnd(test, runId).finally(() => server.restart());
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/terminat|connect|shut ?down|closed/i);

    expect(await digest()).toBe(before); // nothing of the interrupted run was written
    // The outcome reaches the database once it is back.
    let stored: { status: string } | undefined;
    for (let attempt = 0; attempt < 100 && stored?.status !== 'failed'; attempt += 1) {
      [stored] = await test.dataSource.query('SELECT status FROM metrics_run WHERE id = $1', [runId]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(stored?.status).toBe('failed');

    const retried = await call(test, 'POST', `${PREFIX}/runs/${runId}/retry`);
    expect(retried.status).toBe(202);
    const retry = await waitForEnd(test, (retried.body as { run_id: string }).run_id);
    expect(retry.status).toBe('succeeded');
    const [after] = await test.dataSource.query(
      `SELECT total_customers FROM system_metrics_snapshot WHERE bucket_type = 'daily' AND tenant_id = 'a' AND bucket_date = '2025-12-31'`,
    );
    expect(after.total_customers).toBe(80);
  });

  it('marks a run left "running" by a process that died as failed on the next start', async () => {
    await test.dataSource.query(
      `INSERT INTO metrics_run (trigger, start_date, end_date, status, total, created_at, heartbeat_at)
       VALUES ('backfill', '2024-01-01', '2024-01-02', 'running', 2, now() - interval '1 hour', now() - interval '1 hour')`,
    );
    expect(await test.app.get(MetricsService).recoverInterruptedRuns()).toBe(1);
    const [run] = await test.dataSource.query(`SELECT status, error FROM metrics_run WHERE start_date = '2024-01-01'`);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/Interrupted/);
  });
});
