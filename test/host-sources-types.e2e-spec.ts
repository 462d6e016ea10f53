import type { LoggerService } from '@nestjs/common';
import { MetricsService } from '@exec-metrics/metrics';
import { MetricsScheduler } from '../libs/metrics/src/schedule/metrics-scheduler.service.js';
import { hostRelation } from '../libs/metrics/src/sql/source-relations.js';
import type { SourceName } from '../libs/metrics/src/metrics.options.js';
import { HOST_IDS, hostSources, hostTablesSql, type IdFlavour, type RelationForm } from './support/host-schema.js';
import { snapshot } from './support/source-rows.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

/** Every line the app logs, by level: what an operator reads. */
class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  log = (message: unknown) => void this.lines.push({ level: 'log', message: String(message) });
  error = (message: unknown) => void this.lines.push({ level: 'error', message: String(message) });
  warn = (message: unknown) => void this.lines.push({ level: 'warn', message: String(message) });
}

async function hostApp(flavour: IdFlavour, forms: Record<SourceName, RelationForm>, logger?: LoggerService) {
  const { sources, setupSql } = hostSources(forms);
  return createTestApp({ metrics: { sources }, setupSql: [...hostTablesSql(flavour), ...setupSql], logger });
}

/** The numbers counted by hand from the rows in support/host-schema.ts, identical whatever the ids and relations. */
async function expectHandCounts(test: TestApp, flavour: IdFlavour): Promise<void> {
  const [t1, t2] = HOST_IDS[flavour].tenants;
  const day = (date: string, tenant: string | null) => snapshot(test.dataSource, 'daily', date, tenant);
  expect(await day('2025-05-01', t1)).toMatchObject({
    new_customers: 2,
    total_customers: 2,
    dau: 1,
    activated_users: 1,
    users_uploaded_file: 1,
    activation_rate: 50, // u1 acted 3 h after signing up, u2 never
    jobs_total: 2,
    jobs_succeeded: 1,
    jobs_failed: 1,
    jobs_duration_sum_sec: 90,
    ai_tokens_used: 450,
    ai_cost_usd: 0.045,
    api_requests_total: 10,
    api_errors_total: 2,
    api_client_errors_total: 1,
    api_latency_sum_ms: 500,
    api_avg_latency_ms: 50,
  });
  expect(await day('2025-05-02', t1)).toMatchObject({ new_customers: 0, dau: 2, wau: 2, activated_users: 0 });
  expect(await day('2025-05-03', t1)).toMatchObject({ churned_customers: 1, total_customers: 1 });
  expect(await day('2025-05-09', t1)).toMatchObject({ dau: 1, wau: 1, mau: 2 });
  expect(await day('2025-05-02', t2)).toMatchObject({
    new_customers: 1,
    dau: 1,
    activation_rate: 0, // u3's key action came 10 days after signing up
    jobs_total: 1,
    jobs_duration_sum_sec: 10,
    ai_tokens_used: 1500,
    ai_cost_usd: 0.2,
    api_requests_total: 4,
    api_avg_latency_ms: 25,
  });
  expect(await day('2025-05-12', t2)).toMatchObject({ activated_users: 1, users_generated_report: 1 });
  expect(await day('2025-05-02', null)).toMatchObject({ new_customers: 1, dau: 3, jobs_total: 1 });
  expect(await day('2025-05-12', null)).toMatchObject({ total_customers: 2, signups_total: 3 });

  // Cohorts join the lifecycle and activity relations: only u1 came back in week 1 (05-09).
  const cohorts = await test.dataSource.query<unknown[]>(
    `SELECT tenant_id, cohort_size, week_1_retained, week_1_pct::float AS week_1_pct FROM system_cohort_retention
     WHERE cohort_month = '2025-05-01' ORDER BY tenant_id NULLS FIRST`,
  );
  expect(cohorts).toEqual([
    { tenant_id: null, cohort_size: 3, week_1_retained: 1, week_1_pct: 33.33 },
    { tenant_id: t1, cohort_size: 2, week_1_retained: 1, week_1_pct: 50 },
    { tenant_id: t2, cohort_size: 1, week_1_retained: 0, week_1_pct: 0 },
  ]);

  // The summary reads the activation and AI relations again for its distinct counts.
  const summary = await call(test, 'GET', `${PREFIX}/summary?start=2025-05-01&end=2025-05-12&tenant=${t1}`);
  expect(summary.status).toBe(200);
  expect((summary.body as { metrics: Record<string, number> }).metrics).toMatchObject({
    new_customers: 2,
    churned_customers: 1,
    users_uploaded_file: 1,
    jobs_total: 2,
    ai_tokens_used: 450,
    api_requests_total: 10,
  });
  const [stored] = await test.dataSource.query<{ n: string }[]>(
    `SELECT (SELECT count(*) FROM metrics_lifecycle_event) + (SELECT count(*) FROM metrics_activity_event)
          + (SELECT count(*) FROM metrics_job_event) + (SELECT count(*) FROM metrics_ai_usage_event) AS n`,
  );
  expect(Number(stored.n)).toBe(0); // nothing was copied into the module's own tables
}

describe('sources: integer org ids and uuid users, computed by the catch-up (what the app runs at start)', () => {
  let test: TestApp;
  const logger = new RecordingLogger();

  beforeAll(async () => {
    test = await hostApp(
      'integer',
      { lifecycle: 'select', activity: 'select', activation: 'view', jobs: 'table', ai: 'select', api: 'view' },
      logger,
    );
    // Sign-ups are a `timestamp` column, read as UTC whatever the session's zone (PGlite: the one session).
    await test.dataSource.query(`SET TIME ZONE 'Asia/Tokyo'`);
  });
  afterAll(() => test.close());

  it('catches up the missing days from the host relations and logs it as done', async () => {
    const runs = await test.app.get(MetricsScheduler).catchUp(new Date('2025-05-13T06:00:00Z'));
    expect(runs.map((run) => [run.start, run.end, run.status, run.error])).toEqual([
      ['2025-05-01', '2025-05-12', 'succeeded', undefined],
    ]);
    expect(logger.lines.filter((line) => line.message.includes('caught up'))).toEqual([
      { level: 'log', message: 'caught up 1 range(s) of days' },
    ]);
    await expectHandCounts(test, 'integer');
  });

  it('recomputes the computed days that rows written late into a host relation reach (watermark on their time)', async () => {
    const [t1, t2] = HOST_IDS.integer.tenants;
    const [ann, , cy] = HOST_IDS.integer.users;
    const scheduler = test.app.get(MetricsScheduler);
    const dau = async (date: string, tenant: string) =>
      ((await snapshot(test.dataSource, 'daily', date, tenant)) as { dau: number }).dau;
    expect([await dau('2025-05-10', t1), await dau('2025-05-05', t2)]).toEqual([0, 0]);

    // The host writes its logins in batches, hours late: ann's of 05-10 lands after 05-10 was computed. It is
    // later than any login the last check saw; cy's, back-dated below that watermark, is not caught (documented).
    await test.dataSource.query(`INSERT INTO host_login VALUES (${t1}, '${ann}', '2025-05-10T09:00Z')`);
    await test.dataSource.query(`INSERT INTO host_login VALUES (${t2}, '${cy}', '2025-05-05T09:00Z')`);
    const runs = await scheduler.catchUp(new Date('2025-05-13T07:00:00Z'));

    // A login counts in the 29 days after it: 05-10, 05-11 and 05-12 are the computed days it reaches.
    expect(runs.map((run) => [run.start, run.end, run.status])).toEqual([['2025-05-10', '2025-05-12', 'succeeded']]);
    expect(logger.lines).toContainEqual({
      level: 'log',
      message: 'late rows in sources.activity: 3 computed day(s) to recompute',
    });
    expect([await dau('2025-05-10', t1), await dau('2025-05-05', t2)]).toEqual([1, 0]);

    // Nothing new since: the next check marks nothing.
    expect(await scheduler.catchUp(new Date('2025-05-13T08:00:00Z'))).toEqual([]);
  });
});

describe('sources: text ids, computed by a backfill run', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await hostApp('text', {
      lifecycle: 'table',
      activity: 'view',
      activation: 'select',
      jobs: 'select',
      ai: 'table',
      api: 'table',
    });
  });
  afterAll(() => test.close());

  it('computes every source from tables, views and SELECTs with text ids', async () => {
    const run = await test.app.get(MetricsService).run({ start: '2025-05-01', end: '2025-05-12', trigger: 'backfill' });
    expect([run.status, run.error]).toEqual(['succeeded', undefined]);
    await expectHandCounts(test, 'text');
  });
});

describe('sources: integer ids through views, tables and a SELECT for the rest, then a relation broken after start', () => {
  let test: TestApp;
  const logger = new RecordingLogger();

  beforeAll(async () => {
    test = await hostApp(
      'integer',
      { lifecycle: 'view', activity: 'table', activation: 'table', jobs: 'view', ai: 'view', api: 'select' },
      logger,
    );
  });
  afterAll(() => test.close());

  it('computes one integer tenant alone, then the same numbers for all', async () => {
    const compute = test.app.get(MetricsService);
    await compute.computeRange({ start: '2025-05-02', end: '2025-05-02', tenant: '2', asOf: new Date('2025-07-01Z') });
    expect(await snapshot(test.dataSource, 'daily', '2025-05-02', '2')).toMatchObject({
      new_customers: 1,
      dau: 1,
      jobs_total: 1,
      ai_tokens_used: 1500,
    });
    expect(await snapshot(test.dataSource, 'daily', '2025-05-02', '1')).toBeUndefined();
    await test.app
      .get(MetricsService)
      .computeRange({ start: '2025-05-01', end: '2025-05-12', asOf: new Date('2025-07-01T00:00:00Z') });
    await expectHandCounts(test, 'integer');
  });

  it('names the source and the column when a relation loses a column, in reads (503), runs and the catch-up log', async () => {
    await test.dataSource.query(`DROP VIEW host_ai_view`);
    await test.dataSource.query(
      `CREATE VIEW host_ai_view AS SELECT c.org_id AS tenant_id, c.prompt_tokens AS input_tokens,
         c.completion_tokens AS output_tokens, c.cost AS cost_usd, c.at AS occurred_at FROM host_llm_call c`,
    );
    const reason = /^MetricsModule: sources\.ai column model: host_ai_view has no column "model"/;

    // Other ranges than the ones read before: the answers are not in the read cache. A range the AI usage days hold
    // (the computed days) is summed from them without reading the relation; one reaching before them reads it.
    const covered = await call(test, 'GET', `${PREFIX}/summary?start=2025-05-01&end=2025-05-11&tenant=1`);
    expect(covered.status).toBe(200);
    const summary = await call(test, 'GET', `${PREFIX}/summary?start=2025-04-20&end=2025-05-11&tenant=1`);
    expect(summary.status).toBe(503);
    expect((summary.body as { message: string }).message).toMatch(reason);

    const run = await test.app.get(MetricsService).run({ start: '2025-05-01', end: '2025-05-02', trigger: 'backfill' });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(reason);

    await test.dataSource.query(`INSERT INTO metrics_dirty_day (day, source) VALUES ('2025-05-05', 'ai')`);
    const caughtUp = await test.app.get(MetricsScheduler).catchUp(new Date('2025-05-13T07:00:00Z'));
    expect(caughtUp.map((state) => state.status)).toEqual(['failed']);
    expect(logger.lines.filter((line) => /caught up|catch-up/.test(line.message))).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(
          /^catch-up of 2025-05-05\.\.2025-05-05 failed: MetricsModule: sources\.ai column model/,
        ),
      },
    ]);
  });
});

describe('sources: a relation the module cannot read stops the app at start', () => {
  const start = (sources: Partial<Record<SourceName, string>>, setupSql: string[] = []) =>
    createTestApp({ metrics: { sources }, setupSql: [...hostTablesSql('integer'), ...setupSql], quiet: true });

  it('names a missing column and the columns the relation has', async () => {
    await expect(
      start({ lifecycle: 'bad_signups' }, [
        `CREATE VIEW bad_signups AS SELECT org_id AS tenant_id, 'signup' AS type, created_at AS occurred_at FROM host_user`,
      ]),
    ).rejects.toThrow(
      'MetricsModule: sources.lifecycle column user_id: bad_signups has no column "user_id" (it has tenant_id, type, ' +
        'occurred_at); expose tenant_id, user_id, type, occurred_at, renaming with AS in a view or a parenthesised SELECT',
    );
  });

  it('names a column of the wrong type and the types it may have', async () => {
    await expect(
      start({ activity: '(SELECT at AS tenant_id, user_id, at AS occurred_at FROM host_login)' }),
    ).rejects.toThrow(
      'MetricsModule: sources.activity column tenant_id: is timestamp with time zone in the parenthesised SELECT; ' +
        'it must be text, varchar, smallint, integer, bigint or uuid (cast it in a view or a parenthesised SELECT)',
    );
  });

  it('names a relation that does not exist', async () => {
    await expect(start({ jobs: 'host_jobs_nowhere' })).rejects.toThrow(
      'MetricsModule: sources.jobs: cannot be read: relation "host_jobs_nowhere" does not exist',
    );
  });

  it('refuses what is neither a name nor a parenthesised SELECT', () => {
    expect(() => hostRelation('ai', 'SELECT * FROM host_llm_call')).toThrow(
      'MetricsModule: sources.ai must be a table or view name or a parenthesised SELECT exposing tenant_id, model, ' +
        'input_tokens, output_tokens, cost_usd, occurred_at; got "SELECT * FROM host_llm_call"',
    );
  });
});
