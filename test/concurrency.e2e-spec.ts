import { AlertEvaluator, MetricsService } from '../libs/metrics/src/index.js';
import { computeAndEvaluate, eventually, jobs } from './support/alert-helpers.js';
import { insertSourceRows, snapshot } from './support/source-rows.js';
import { deliver, stripeEvent, subscription, customer, WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

/**
 * Writers racing each other (meant for PostgreSQL, `npm run test:pg`, where requests really run in parallel on
 * several connections; PGlite serialises them and must give the same answers).
 */
describe('concurrent writers', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({
      metrics: { rateLimit: false, stripe: { webhookSecret: WEBHOOK_SECRET }, alerts: { anomaly: { enabled: false } } },
    });
  });

  afterAll(() => test.close());

  it('PATCH config from 12 clients at once: no lost update, each change audited with its true before and after', async () => {
    const values = Array.from({ length: 12 }, (_, index) => index + 11);
    const answers = await Promise.all([
      ...values.map((value) => call(test, 'PATCH', `${PREFIX}/config`, { body: { churn_spike_threshold_pct: value } })),
      call(test, 'PATCH', `${PREFIX}/config`, { body: { payment_failure_threshold: 9 } }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(Array(13).fill(200));
    const records = await test.dataSource.query<{ changes: Record<string, { before: number; after: number }> }[]>(
      `SELECT changes FROM metrics_audit_log WHERE action = 'config_change' ORDER BY id`,
    );
    const churn = records.map((record) => record.changes.churn_spike_threshold_pct).filter(Boolean);
    expect(churn).toHaveLength(12);
    // One unbroken sequence: 5 (the default) → … → the last value written, each "before" the previous "after".
    expect(churn[0].before).toBe(5);
    for (let index = 1; index < churn.length; index += 1) expect(churn[index].before).toBe(churn[index - 1].after);
    expect(churn.map((change) => change.after).sort((a, b) => a - b)).toEqual(values);
    const config = (await call(test, 'GET', `${PREFIX}/config`)).body as Record<string, number>;
    expect(config.churn_spike_threshold_pct).toBe(churn[churn.length - 1].after);
    expect(config.payment_failure_threshold).toBe(9);
  });

  it('overlapping backfills, one of them twice: every run succeeds and the snapshots are those of one computation', async () => {
    await insertSourceRows(test.dataSource, {
      activity: [
        ['acme', 'u1', '2025-01-05T10:00:00Z'],
        ['acme', 'u2', '2025-01-05T11:00:00Z'],
        ['globex', 'u3', '2025-01-05T12:00:00Z'],
        ['acme', 'u1', '2025-01-15T10:00:00Z'],
        ['globex', 'u3', '2025-01-25T10:00:00Z'],
      ],
    });
    const ranges = [
      { start: '2025-01-01', end: '2025-01-20' },
      { start: '2025-01-10', end: '2025-01-31' },
      { start: '2025-01-01', end: '2025-01-20' },
      { start: '2025-01-15', end: '2025-01-16' },
    ];
    const answers = await Promise.all(ranges.map((body) => call(test, 'POST', `${PREFIX}/backfill`, { body })));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
    const ids = [...new Set(answers.map((answer) => (answer.body as { run_id: string }).run_id))];
    const states = await eventually(
      () =>
        Promise.all(
          ids.map(async (id) => (await call(test, 'GET', `${PREFIX}/runs/${id}`)).body as { status: string }),
        ),
      (found) => found.every((state) => state.status === 'succeeded' || state.status === 'failed'),
    );
    expect(states.map((state) => state.status)).toEqual(ids.map(() => 'succeeded'));
    const days = await test.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM system_metrics_snapshot WHERE bucket_type = 'daily' AND tenant_id IS NULL
       AND bucket_date BETWEEN '2025-01-01' AND '2025-01-31'`,
    );
    expect(days[0].n).toBe(31);
    const dau = async (day: string, tenant: string | null) =>
      (await snapshot(test.dataSource, 'daily', day, tenant))?.dau;
    expect([await dau('2025-01-05', null), await dau('2025-01-05', 'acme'), await dau('2025-01-15', null)]).toEqual([
      3, 2, 1,
    ]);
    expect([await dau('2025-01-25', 'globex'), await dau('2025-01-24', null)]).toEqual([1, 0]);
  });

  it('a token revoked while it is in use: requests in flight end 200 or 401, never 5xx; after the revocation, 401', async () => {
    const created = await call(test, 'POST', `${PREFIX}/tokens`, { body: { name: 'racing', scope: 'admin' } });
    const { id, token } = created.body as { id: string; token: string };
    const inFlight = Array.from({ length: 20 }, () => call(test, 'GET', `${PREFIX}/catalog`, { token }));
    const revoked = await call(test, 'DELETE', `${PREFIX}/tokens/${id}`);
    expect(revoked.status).toBe(200);
    const statuses = (await Promise.all(inFlight)).map((answer) => answer.status);
    expect(statuses.filter((status) => status !== 200 && status !== 401)).toEqual([]);
    const after = await Promise.all(Array.from({ length: 5 }, () => call(test, 'GET', `${PREFIX}/catalog`, { token })));
    expect(after.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
  });

  it('the same webhook redelivered 6 times at once is applied once', async () => {
    await deliver(
      test,
      stripeEvent({
        id: 'evt_race_cus',
        type: 'customer.created',
        at: '2025-01-02T00:00:00Z',
        object: customer('cus_race', 'acme'),
      }),
    );
    const event = stripeEvent({
      id: 'evt_race_sub',
      type: 'customer.subscription.created',
      at: '2025-01-03T00:00:00Z',
      object: subscription('sub_race', 'cus_race', 'active', [{ amount: 4200 }]),
    });
    const answers = await Promise.all(Array.from({ length: 6 }, () => deliver(test, event)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    const outcomes = answers.map((answer) => (answer.body as { outcome: string }).outcome).sort();
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(5);
    const [{ events }] = await test.dataSource.query(
      `SELECT count(*)::int AS events FROM metrics_stripe_event WHERE id = 'evt_race_sub'`,
    );
    const ledger = await test.dataSource.query<{ mrr: number }[]>(
      `SELECT mrr::float AS mrr FROM metrics_revenue_ledger WHERE subscription_id = 'sub_race'`,
    );
    expect([events, ledger]).toEqual([1, [{ mrr: 42 }]]);
  });

  it('an alert acknowledged while a computation resolves it ends resolved, the acknowledgement 200 or 409', async () => {
    // 3 failed jobs of 10: 30 % ≥ the 10 % threshold, an open critical alert; then a clean day resolves it.
    await insertSourceRows(test.dataSource, {
      jobs: [
        ...jobs(null as unknown as string, '2025-03-03', 10, 3),
        ...jobs(null as unknown as string, '2025-03-04', 10, 0),
      ],
    });
    await computeAndEvaluate(test, '2025-03-03');
    const [alert] = (
      (await call(test, 'GET', `${PREFIX}/alerts?status=open`)).body as { alerts: { id: string; metric: string }[] }
    ).alerts;
    expect(alert.metric).toBe('job_failure_rate');
    const [acknowledged] = await Promise.all([
      call(test, 'POST', `${PREFIX}/alerts/${alert.id}/acknowledge`),
      test.app.get(MetricsService).computeRange({ start: '2025-03-04', end: '2025-03-04' }),
    ]);
    await test.app.get(AlertEvaluator).settled();
    expect([200, 409]).toContain(acknowledged.status);
    const [row] = await test.dataSource.query(
      `SELECT status, resolved_at IS NOT NULL AS resolved FROM metrics_alert WHERE id = $1`,
      [alert.id],
    );
    expect(row).toEqual({ status: 'resolved', resolved: true });
  });
});
