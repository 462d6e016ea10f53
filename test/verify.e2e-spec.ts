import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { MetricsHealthIndicator, MetricsService, type VerifyReport } from '../libs/metrics/src/index.js';
import { REVENUE_EVENTS } from './support/revenue-scenario.js';
import { insertSourceRows } from './support/source-rows.js';
import { deliver, WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';
import { VerifyRepository } from '../libs/metrics/src/repositories/verify.repository.js';

const PREFIX = '/api/system/metrics';
const CHECKS = [
  'audit_chain',
  'revenue_reconciliation',
  'snapshots_sample',
  'dirty_days',
  'runs_stuck',
  'alert_deliveries',
  'migrations',
];

async function verify(
  test: TestApp,
  sample = 2,
): Promise<VerifyReport & { by: Record<string, VerifyReport['checks'][0]> }> {
  const answer = await call(test, 'GET', `${PREFIX}/verify?sample=${sample}`);
  expect(answer.status).toBe(200);
  const report = answer.body as VerifyReport;
  return { ...report, by: Object.fromEntries(report.checks.map((check) => [check.name, check])) };
}

const verdicts = (report: VerifyReport) =>
  Object.fromEntries(report.checks.map((check) => [check.name, check.verdict]));
const healthy = Object.fromEntries(CHECKS.map((name) => [name, 'ok']));

/**
 * `GET verify` (the same checks as `npm run metrics -- verify`) on the Stripe scenario of revenue-scenario.ts,
 * computed for January to March 2026: healthy, then each deliberate breakage caught by the check meant for it.
 */
describe('verify', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({ metrics: { stripe: { webhookSecret: WEBHOOK_SECRET } } });
    for (const event of REVENUE_EVENTS) expect((await deliver(test, event)).status).toBe(200);
    await call(test, 'PATCH', `${PREFIX}/config`, { body: { currency_rates: { EUR: 1.1 } } });
    await insertSourceRows(test.dataSource, {
      lifecycle: [['acme', 'u1', 'signup', '2026-01-02T10:00:00Z']],
      activity: [
        ['acme', 'u1', '2026-03-31T10:00:00Z'],
        ['globex', 'u2', '2026-03-31T11:00:00Z'],
      ],
    });
    await test.app.get(MetricsService).computeRange({ start: '2026-01-01', end: '2026-03-31' });
  }, 120_000);

  afterAll(() => test.close());

  it('reports a healthy database, check by check', async () => {
    const report = await verify(test);
    expect(report.checks.map((check) => check.name)).toEqual(CHECKS);
    expect(verdicts(report)).toEqual(healthy);
    expect(report.ok).toBe(true);
    // Daily and monthly buckets of January to March (90 days, 3 months) for the global view, acme and globex.
    expect(report.by.revenue_reconciliation.detail).toBe('279 bucket(s): MRR start + net new = MRR end');
    // The latest complete day is always among the days recomputed.
    expect(report.by.snapshots_sample.detail).toMatch(/^2 day\(s\) recomputed \(2026-\d\d-\d\d, 2026-03-31\)/);
  });

  it('samples as many distinct days as asked, the latest among them', async () => {
    // Every complete day asked for: 89 days at random besides the latest one (a draw from all 90 would meet it again).
    const days = await test.app.get(VerifyRepository).sampleDays('test', 90);
    expect(new Set(days).size).toBe(90);
    expect(days.at(-1)).toBe('2026-03-31');
  });

  it('catches an audit record changed behind the trigger', async () => {
    const [{ id, route }] = await test.dataSource.query(
      `SELECT id::text, route FROM metrics_audit_log ORDER BY id LIMIT 1`,
    );
    const rewrite = (value: string) =>
      test.dataSource.query(
        `ALTER TABLE metrics_audit_log DISABLE TRIGGER metrics_audit_log_append_only;
         UPDATE metrics_audit_log SET route = '${value}' WHERE id = ${Number(id)};
         ALTER TABLE metrics_audit_log ENABLE TRIGGER metrics_audit_log_append_only`,
      );
    await rewrite('/forged');
    const report = await verify(test);
    expect(report.ok).toBe(false);
    expect(verdicts(report)).toEqual({ ...healthy, audit_chain: 'failed' });
    expect(report.by.audit_chain.detail).toBe(`record ${id}: the record does not match its hash: it was changed`);
    await rewrite(route);
    expect((await verify(test)).ok).toBe(true);
  });

  it('catches a ledger row changed after the snapshots were computed', async () => {
    // c3's 8 seats (MRR 160, globex) from 2026-02-10: still in effect on 2026-03-31, the day always recomputed.
    const [row] = await test.dataSource.query(
      `SELECT id::text, mrr FROM metrics_revenue_ledger WHERE subscription_id = 'sub_3' ORDER BY effective_at DESC LIMIT 1`,
    );
    expect(Number(row.mrr)).toBe(160);
    await test.dataSource.query(`UPDATE metrics_revenue_ledger SET mrr = 999 WHERE id = $1`, [row.id]);
    const report = await verify(test, 1);
    expect(verdicts(report)).toEqual({ ...healthy, snapshots_sample: 'failed' });
    const examples = report.by.snapshots_sample.examples as { day: string; scope: string; metrics: string[] }[];
    expect(examples.map(({ day, scope }) => `${day} ${scope}`)).toEqual(['2026-03-31 (global)', '2026-03-31 globex']);
    expect(examples[0].metrics).toEqual(expect.arrayContaining(['mrr', 'arr']));
    await test.dataSource.query(`UPDATE metrics_revenue_ledger SET mrr = $2 WHERE id = $1`, [row.id, row.mrr]);
    expect((await verify(test, 1)).ok).toBe(true);
  });

  it('catches a snapshot changed by hand: MRR that no longer reconciles, a count that a recomputation contradicts', async () => {
    await test.dataSource.query(
      `UPDATE system_metrics_snapshot SET mrr = mrr + 5
       WHERE bucket_type = 'daily' AND bucket_date = '2026-02-15' AND tenant_id IS NULL`,
    );
    await test.dataSource.query(
      `UPDATE system_metrics_snapshot SET dau = dau + 1
       WHERE bucket_type = 'daily' AND bucket_date = '2026-03-31' AND tenant_id = 'acme'`,
    );
    const report = await verify(test, 1);
    expect(verdicts(report)).toEqual({ ...healthy, revenue_reconciliation: 'failed', snapshots_sample: 'failed' });
    expect(report.by.revenue_reconciliation.examples).toEqual([
      expect.objectContaining({ bucket_type: 'daily', bucket_date: '2026-02-15', tenant_id: null }),
    ]);
    expect(report.by.snapshots_sample.examples).toEqual([{ day: '2026-03-31', scope: 'acme', metrics: ['dau'] }]);
    await test.app.get(MetricsService).computeRange({ start: '2026-02-15', end: '2026-03-31' });
    expect(verdicts(await verify(test, 1))).toEqual(healthy);
  });

  it('reports a stuck run as a failure and days waiting for the catch-up as a warning', async () => {
    await test.dataSource.query(
      `INSERT INTO metrics_run (trigger, start_date, end_date, status, created_at, started_at, heartbeat_at)
       VALUES ('backfill', '2026-01-01', '2026-01-02', 'running', now() - interval '1 hour', now() - interval '1 hour',
               now() - interval '20 minutes')`,
    );
    await test.dataSource.query(
      `INSERT INTO metrics_dirty_day (day, source, marked_at) VALUES ('2026-03-01', 'activity', now() - interval '2 hours'),
       ('2026-03-01', 'billing', now() - interval '2 hours'), ('2026-03-02', 'jobs', now())`,
    );
    const report = await verify(test, 1);
    expect(verdicts(report)).toEqual({ ...healthy, runs_stuck: 'failed', dirty_days: 'warning' });
    expect(report.ok).toBe(false);
    expect(report.by.dirty_days.detail).toBe(
      '2 day(s) wait for recomputation (2026-03-01 to 2026-03-02), 1 for over an hour',
    );
    await test.dataSource.query(`DELETE FROM metrics_run WHERE status = 'running'`);
    const warned = await verify(test, 1);
    expect(warned.ok).toBe(true);
    expect(verdicts(warned)).toEqual({ ...healthy, dirty_days: 'warning' });
  });
});

describe('verify as a @nestjs/terminus health indicator', () => {
  let test: TestApp;
  const check = () =>
    test.app
      .get(HealthCheckService)
      .check([() => test.app.get(MetricsHealthIndicator).isHealthy('metrics')])
      .then(
        (result) => ({ status: 200, body: result as unknown }),
        (error: { getStatus(): number; getResponse(): unknown }) => ({
          status: error.getStatus(),
          body: error.getResponse(),
        }),
      );

  beforeAll(async () => {
    test = await createTestApp({ imports: [TerminusModule] });
    await insertSourceRows(test.dataSource, { activity: [['acme', 'u1', '2026-03-02T10:00:00Z']] });
    await test.app.get(MetricsService).computeRange({ start: '2026-03-01', end: '2026-03-03' });
  });

  afterAll(() => test.close());

  it('is up when every check is ok, degraded on a warning, down (503) on a failure', async () => {
    const up = await check();
    expect(up).toMatchObject({ status: 200, body: { status: 'ok', info: { metrics: { status: 'up' } } } });
    await test.dataSource.query(
      `INSERT INTO metrics_dirty_day (day, source, marked_at) VALUES ('2026-03-01', 'lifecycle', now() - interval '2 hours')`,
    );
    const degraded = await check();
    expect(degraded).toMatchObject({ status: 200, body: { info: { metrics: { status: 'degraded' } } } });
    await test.dataSource.query(
      `UPDATE system_metrics_snapshot SET dau = dau + 1 WHERE bucket_type = 'daily' AND bucket_date = '2026-03-03'`,
    );
    const down = await check();
    expect(down).toMatchObject({
      status: 503,
      body: { status: 'error', error: { metrics: { status: 'down', checks: { snapshots_sample: 'failed' } } } },
    });
  });
});
