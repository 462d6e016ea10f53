import { randomBytes } from 'node:crypto';
import { MetricsScheduler } from '@exec-metrics/metrics';
import type { TemporaryPostgres } from '../scripts/postgres-server.mjs';
import { ownPostgres } from './support/postgres.js';
import { insertSourceRows } from './support/source-rows.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/** Runs whose range covers each day: "computed once" means exactly one succeeded run per day. */
async function runsPerDay(test: TestApp): Promise<Record<string, number>> {
  const rows = await test.dataSource.query<{ day: string; runs: number }[]>(
    `SELECT d::date::text AS day, count(r.id)::int AS runs
     FROM generate_series('2025-03-01'::date, '2025-03-09'::date, interval '1 day') AS d
     LEFT JOIN metrics_run r ON r.status = 'succeeded' AND d::date BETWEEN r.start_date AND r.end_date
     GROUP BY d ORDER BY d`,
  );
  return Object.fromEntries(rows.map((row) => [row.day, row.runs]));
}

describe.each([2, 4])('%i app instances on one PostgreSQL', (instances) => {
  let server: TemporaryPostgres;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    server = await ownPostgres();
    const sharedSchema = `cluster_${randomBytes(4).toString('hex')}`;
    // Instances start one after the other, as in a rolling deploy (the first applies the migrations).
    for (let index = 0; index < instances; index += 1) {
      apps.push(await createTestApp({ databaseUrl: server.url, sharedSchema }));
    }
    await insertSourceRows(apps[0].dataSource, {
      lifecycle: [
        ['acme', 'u1', 'signup', '2025-03-01T10:00:00Z'],
        ['acme', 'u2', 'signup', '2025-03-04T10:00:00Z'],
        ['globex', 'u1', 'signup', '2025-03-06T10:00:00Z'],
      ],
      activity: [['acme', 'u1', '2025-03-08T10:00:00Z']],
    });
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    server.stop();
  });

  it('computes each day once when every instance fires the same cron tick', async () => {
    const tick = new Date('2025-03-10T01:00:00Z'); // 01:00 UTC: yesterday is 03-09
    await Promise.all(apps.map((app) => app.app.get(MetricsScheduler).runDaily(tick)));
    const perDay = await runsPerDay(apps[0]);
    expect(Object.values(perDay)).toEqual(new Array(9).fill(1));
    const [snapshots] = await apps[0].dataSource.query(
      `SELECT count(*)::int AS rows, count(DISTINCT (bucket_date, tenant_id))::int AS keys
       FROM system_metrics_snapshot WHERE bucket_type = 'daily'`,
    );
    expect(snapshots).toEqual({ rows: 9 * 3, keys: 9 * 3 }); // 9 days × (global, acme, globex), no duplicates
    const [cron] = await apps[0].dataSource.query(`SELECT count(*)::int AS n FROM metrics_run WHERE trigger = 'cron'`);
    expect(cron.n).toBe(1);
  });

  it('starts one run when the same backfill reaches every instance at once', async () => {
    const body = { start: '2025-03-01', end: '2025-03-09' };
    const answers = await Promise.all(apps.map((app) => call(app, 'POST', '/api/system/metrics/backfill', { body })));
    expect(answers.map((answer) => answer.status)).toEqual(new Array(instances).fill(202));
    const ids = new Set(answers.map((answer) => (answer.body as { run_id: string }).run_id));
    expect(ids.size).toBe(1);
    const [runId] = [...ids];
    let status = 'queued';
    for (let attempt = 0; attempt < 200 && !['succeeded', 'failed'].includes(status); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (
        (await call(apps[instances - 1], 'GET', `/api/system/metrics/runs/${runId}`)).body as { status: string }
      ).status;
    }
    expect(status).toBe('succeeded');
    const [backfills] = await apps[0].dataSource.query(
      `SELECT count(*)::int AS n FROM metrics_run WHERE trigger = 'backfill'`,
    );
    expect(backfills.n).toBe(1);
  });
});
