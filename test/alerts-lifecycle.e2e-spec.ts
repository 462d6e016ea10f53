import type { AlertView } from '@exec-metrics/metrics';
import { computeAndEvaluate, jobs } from './support/alert-helpers.js';
import { insertSourceRows } from './support/source-rows.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

/** The alerts the API lists, the global one before the tenants' when several were seen at once. */
async function alerts(test: TestApp, query = ''): Promise<AlertView[]> {
  const { status, body } = await call(test, 'GET', `${PREFIX}/alerts${query}`);
  expect(status).toBe(200);
  const listed = (body as { alerts: AlertView[] }).alerts;
  return listed.sort((a, b) => (a.last_seen === b.last_seen ? (a.tenant ?? '').localeCompare(b.tenant ?? '') : 0));
}

describe('alert lifecycle over successive computations', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({ metrics: { alerts: { anomaly: { enabled: false } } } });
    // Job failure rate (threshold 10 %: warning at 10, critical at 20) of tenant acme, the only tenant, day by day.
    await insertSourceRows(test.dataSource, {
      jobs: [
        ...jobs('acme', '2025-06-02', 10, 1), // 10 %: warning
        ...jobs('acme', '2025-06-03', 10, 3), // 30 %: critical
        ...jobs('acme', '2025-06-04', 10, 0), // 0 %: clear
        ...jobs('acme', '2025-06-05', 5, 1), // 20 %: critical again
      ],
    });
  });

  afterAll(() => test.close());

  it('opens one alert per scope, then escalates the same alert instead of alerting again', async () => {
    await computeAndEvaluate(test, '2025-06-02');
    const first = await alerts(test);
    expect(first.map((a) => [a.metric, a.tenant, a.severity, a.status, a.value, a.threshold, a.bucket_date])).toEqual([
      ['job_failure_rate', null, 'warning', 'open', 10, 10, '2025-06-02'],
      ['job_failure_rate', 'acme', 'warning', 'open', 10, 10, '2025-06-02'],
    ]);

    await computeAndEvaluate(test, '2025-06-03');
    const second = await alerts(test);
    expect(second.map((a) => [a.id, a.tenant, a.severity, a.status, a.value, a.bucket_date])).toEqual([
      [first[0].id, null, 'critical', 'open', 30, '2025-06-03'],
      [first[1].id, 'acme', 'critical', 'open', 30, '2025-06-03'],
    ]);
    expect(second[0].first_seen).toBe(first[0].first_seen);
    expect(second[0].last_seen > first[0].last_seen).toBe(true);
    expect(second[1].message).toBe('Job failure rate reached 30% (threshold 10) on 2025-06-03, tenant acme');

    // The same condition once more: still the same two alerts, nothing new.
    await computeAndEvaluate(test, '2025-06-03');
    const third = await alerts(test);
    expect(third.map((a) => a.id)).toEqual(second.map((a) => a.id));
    const [{ n }] = await test.dataSource.query(`SELECT count(*)::int AS n FROM metrics_alert`);
    expect(n).toBe(2);
  });

  it('lets an admin acknowledge an alert, audited; a resolved one cannot be', async () => {
    const [acme] = await alerts(test, '?tenant=acme');
    const acked = await call(test, 'POST', `${PREFIX}/alerts/${acme.id}/acknowledge`);
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({
      id: acme.id,
      status: 'acknowledged',
      acknowledged_by: expect.stringMatching(/^token:/),
    });
    const [audit] = await test.dataSource.query(
      `SELECT action, route, outcome FROM metrics_audit_log WHERE action = 'alert_ack' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toEqual({ action: 'alert_ack', route: `/${PREFIX.slice(1)}/alerts/:id/acknowledge`, outcome: 200 });
    expect((await call(test, 'POST', `${PREFIX}/alerts/999999/acknowledge`)).status).toBe(404);
    const bad = await call(test, 'POST', `${PREFIX}/alerts/1;DROP/acknowledge`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ field: 'id', message: 'must be an alert id' }] });
    expect(
      (await call(test, 'POST', `${PREFIX}/alerts/${acme.id}/acknowledge`, { token: test.ingestToken })).status,
    ).toBe(403);
    expect((await call(test, 'POST', `${PREFIX}/alerts/${acme.id}/acknowledge`, { token: null })).status).toBe(401);
  });

  it('resolves the alerts when the condition clears, and opens a new one when it returns', async () => {
    const before = await alerts(test);
    await computeAndEvaluate(test, '2025-06-04');
    const cleared = await alerts(test);
    expect(cleared.map((a) => [a.id, a.tenant, a.status])).toEqual(
      expect.arrayContaining([
        [before.find((a) => a.tenant === 'acme')!.id, 'acme', 'resolved'],
        [before.find((a) => a.tenant === null)!.id, null, 'resolved'],
      ]),
    );
    expect(cleared.every((a) => a.resolved_at !== null)).toBe(true);
    expect((await call(test, 'POST', `${PREFIX}/alerts/${cleared[0].id}/acknowledge`)).status).toBe(409);

    // Recomputing an older range changes nothing: alerts describe the latest numbers.
    await computeAndEvaluate(test, '2025-06-03');
    expect((await alerts(test, '?status=active')).length).toBe(0);

    await computeAndEvaluate(test, '2025-06-05');
    const active = await alerts(test, '?status=active');
    expect(active.map((a) => [a.tenant, a.severity, a.value, a.bucket_date])).toEqual([
      [null, 'critical', 20, '2025-06-05'],
      ['acme', 'critical', 20, '2025-06-05'],
    ]);
    expect(active.every((a) => !before.some((old) => old.id === a.id))).toBe(true);
  });

  it('lists with filters and pages', async () => {
    expect((await alerts(test, '?status=resolved')).length).toBe(2);
    expect((await alerts(test, '?severity=critical&status=open&tenant=acme')).map((a) => a.value)).toEqual([20]);
    const page = await call(test, 'GET', `${PREFIX}/alerts?limit=1&offset=1`);
    expect(page.body).toMatchObject({ total: 4, limit: 1, offset: 1 });
    expect((page.body as { alerts: unknown[] }).alerts).toHaveLength(1);
    for (const query of [
      'status=closed',
      'severity=info',
      'limit=0',
      'limit=501',
      'offset=-1',
      'tenant=a%20b',
      'kind=x',
    ]) {
      const refused = await call(test, 'GET', `${PREFIX}/alerts?${query}`);
      expect(refused.status).toBe(400);
      expect((refused.body as { errors: { field: string }[] }).errors[0].field).toBe(query.split('=')[0]);
    }
  });

  it('shows the stored alerts in GET summary with the shape it always had', async () => {
    const { body } = await call(test, 'GET', `${PREFIX}/summary?start=2025-06-01&end=2025-06-05&tenant=acme`);
    const [stored] = await alerts(test, '?status=open&tenant=acme');
    expect((body as { alerts: unknown[] }).alerts).toEqual([
      {
        metric: 'job_failure_rate',
        value: 20,
        threshold: 10,
        severity: 'critical',
        bucket_type: 'daily',
        bucket_date: '2025-06-05',
        tenant: 'acme',
        message: 'Job failure rate reached 20% (threshold 10) on 2025-06-05, tenant acme',
        kind: 'threshold',
        id: stored.id,
        status: 'open',
      },
    ]);
  });

  it("evaluates admins' rules on any catalog metric, above and below, daily and weekly", async () => {
    const create = (body: unknown) => call(test, 'POST', `${PREFIX}/alerts/rules`, { body });
    const below = await create({
      name: 'acme jobs floor',
      metric: 'jobs_total',
      direction: 'below',
      warning: 8,
      critical: 3,
      tenant: 'acme',
    });
    expect(below.status).toBe(201);
    const above = await create({ name: 'failed jobs', metric: 'jobs_failed', direction: 'above', critical: 1 });
    const weekly = await create({
      name: 'busy week',
      metric: 'jobs_total',
      direction: 'above',
      warning: 30,
      bucket: 'weekly',
    });
    expect([above.status, weekly.status]).toEqual([201, 201]);
    expect(below.body).toMatchObject({
      metric: 'jobs_total',
      direction: 'below',
      warning: 8,
      critical: 3,
      bucket: 'daily',
      tenant: 'acme',
    });

    // 06-05: 5 jobs (acme below 8: warning, not ≤ 3), 1 failed (≥ 1: critical, global and acme);
    // week of 06-02: 35 jobs ≥ 30 (warning, global and acme).
    await computeAndEvaluate(test, '2025-06-05');
    const active = (await alerts(test, '?status=active')).filter((a) => a.metric !== 'job_failure_rate');
    const seen = active
      .map((a) => [a.metric, a.bucket_type, a.bucket_date, a.tenant, a.severity, a.value, a.threshold])
      .sort();
    expect(seen).toEqual(
      [
        ['jobs_total', 'daily', '2025-06-05', 'acme', 'warning', 5, 8],
        ['jobs_failed', 'daily', '2025-06-05', 'acme', 'critical', 1, 1],
        ['jobs_failed', 'daily', '2025-06-05', null, 'critical', 1, 1],
        ['jobs_total', 'weekly', '2025-06-02', 'acme', 'warning', 35, 30],
        ['jobs_total', 'weekly', '2025-06-02', null, 'warning', 35, 30],
      ].sort(),
    );
    expect(active.find((a) => a.metric === 'jobs_total' && a.bucket_type === 'daily')!.message).toBe(
      'Jobs finished is 5, below the warning level 8 (rule "acme jobs floor") on daily 2025-06-05, tenant acme',
    );

    // Deleting a rule resolves its alerts at the next evaluation; the audit has each change.
    const removed = await call(test, 'DELETE', `${PREFIX}/alerts/rules/${(above.body as { id: string }).id}`);
    expect(removed.status).toBe(200);
    await computeAndEvaluate(test, '2025-06-05');
    expect((await alerts(test, '?status=active')).filter((a) => a.metric === 'jobs_failed')).toEqual([]);
    const [{ n }] = await test.dataSource.query(
      `SELECT count(*)::int AS n FROM metrics_audit_log WHERE action = 'alert_rule_change' AND outcome IN (200, 201)`,
    );
    expect(n).toBe(4);
    const listed = await call(test, 'GET', `${PREFIX}/alerts/rules`);
    expect((listed.body as { name: string }[]).map((rule) => rule.name)).toEqual(['acme jobs floor', 'busy week']);
  });

  it('refuses bad rules with a 400 naming the field, and stores none of them', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'x', metric: 'no_such_metric', direction: 'above', warning: 1 }, 'metric'],
      [{ name: 'x', metric: 'api_latency_histogram', direction: 'above', warning: 1 }, 'metric'],
      [{ name: 'x', metric: 'dau', direction: 'sideways', warning: 1 }, 'direction'],
      [{ name: 'x', metric: 'dau', direction: 'above' }, 'warning'],
      [{ name: 'x', metric: 'dau', direction: 'above', warning: 10, critical: 5 }, 'critical'],
      [{ name: 'x', metric: 'dau', direction: 'below', warning: 5, critical: 10 }, 'critical'],
      [{ name: 'x', metric: 'dau', direction: 'above', warning: '5' }, 'warning'],
      [{ name: 'x', metric: 'dau', direction: 'above', warning: 5, bucket: 'hourly' }, 'bucket'],
      [{ name: 'x', metric: 'dau', direction: 'above', warning: 5, tenant: "a'; DROP" }, 'tenant'],
      [{ name: '<script>', metric: 'dau', direction: 'above', warning: 5 }, 'name'],
      [{ name: 'x', metric: 'dau', direction: 'above', warning: 5, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const { status, body: answer } = await call(test, 'POST', `${PREFIX}/alerts/rules`, { body });
      expect([JSON.stringify(body), status, answer]).toEqual([JSON.stringify(body), 400, expect.anything()]);
      expect((answer as { errors: { field: string }[] }).errors.map((error) => error.field)).toContain(field);
    }
    const listed = await call(test, 'GET', `${PREFIX}/alerts/rules`);
    expect((listed.body as unknown[]).length).toBe(2);
    expect((await call(test, 'PUT', `${PREFIX}/alerts/rules/not-a-uuid`, { body: cases[0][0] })).status).toBe(400);
  });
});
