import { AlertEvaluator, MetricsService, type DeliveryView } from '@exec-metrics/metrics';
import { computeAndEvaluate, eventually, jobs } from './support/alert-helpers.js';
import { SmtpReceiver, WebhookReceiver } from './support/receivers.js';
import { insertSourceRows, snapshot } from './support/source-rows.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';
const SMTP_PASSWORD = 'smtp-pa55word-never-shown';
const HOOK_TOKEN = 'Bearer hook-secret-never-shown';
// A Slack incoming-webhook URL carries its secret in the path.
const SLACK_PATH = '/slack/T0001/B0002/slack-path-secret';
/** Retries after 40, 80, 160 ms… so that a test sees several attempts quickly; the receivers are on loopback. */
const FAST_DELIVERY = {
  baseDelayMs: 40,
  maxDelayMs: 200,
  pollIntervalMs: 100,
  timeoutMs: 2_000,
  maxAttempts: 4,
  allowPrivateNetworks: true,
};

async function deliveries(test: TestApp, query = ''): Promise<DeliveryView[]> {
  const { status, body } = await call(test, 'GET', `${PREFIX}/alerts/deliveries${query}`);
  expect(status).toBe(200);
  return (body as { deliveries: DeliveryView[] }).deliveries;
}

/** Waits until no delivery is pending or being sent (retries included). */
const settledDeliveries = (test: TestApp, count: number) =>
  eventually(
    () => deliveries(test, '?limit=500'),
    (rows) => rows.length === count && rows.every((row) => row.status === 'delivered' || row.status === 'failed'),
  );

const byChannel = (rows: DeliveryView[]) =>
  Object.fromEntries(rows.map((row) => [`${row.channel_name}:${row.event}`, [row.status, row.attempts]]));

describe('alert delivery to a real SMTP server and HTTP receivers', () => {
  let test: TestApp;
  const smtp = new SmtpReceiver('alerts-bot', SMTP_PASSWORD);
  const hooks = new WebhookReceiver();
  let deadPort: number;

  beforeAll(async () => {
    await smtp.start();
    await hooks.start();
    // A port nobody listens on: a channel that refuses every attempt.
    const closed = await new WebhookReceiver().start();
    deadPort = closed.port;
    await closed.stop();
    test = await createTestApp({ metrics: { alerts: { anomaly: { enabled: false }, delivery: FAST_DELIVERY } } });
    await insertSourceRows(test.dataSource, {
      jobs: [
        ...jobs(null as unknown as string, '2025-06-02', 10, 3), // 30 %: critical
        ...jobs(null as unknown as string, '2025-06-03', 10, 0), // 0 %: resolved
        ...jobs(null as unknown as string, '2025-06-04', 10, 1), // 10 %: warning
        ...jobs(null as unknown as string, '2025-06-05', 10, 2), // 20 %: escalated to critical
      ],
    });
  });

  afterAll(async () => {
    await test.close();
    await hooks.stop();
    await smtp.stop();
  });

  it('stores channels and never shows their secrets', async () => {
    const create = (body: unknown) => call(test, 'POST', `${PREFIX}/alerts/channels`, { body });
    const answers = [
      await create({
        name: 'ops mail',
        type: 'email',
        email: {
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          user: 'alerts-bot',
          password: SMTP_PASSWORD,
          from: 'Exec Metrics <metrics@example.com>',
          to: ['cto@example.com', 'ops@example.com'],
        },
      }),
      await create({
        name: 'generic hook',
        type: 'webhook',
        webhook: { url: hooks.url('/json/in'), format: 'json', headers: { Authorization: HOOK_TOKEN } },
      }),
      await create({ name: 'slack', type: 'webhook', webhook: { url: hooks.url(SLACK_PATH), format: 'slack' } }),
      await create({ name: 'flaky', type: 'webhook', webhook: { url: hooks.url('/fail-twice'), format: 'json' } }),
      await create({
        name: 'dead',
        type: 'webhook',
        webhook: { url: `http://127.0.0.1:${deadPort}/dead-secret`, format: 'json' },
      }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    const listed = await call(test, 'GET', `${PREFIX}/alerts/channels`);
    expect(listed.body).toEqual([
      expect.objectContaining({
        name: 'ops mail',
        email: {
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          user: 'alerts-bot',
          password: '***',
          from: 'Exec Metrics <metrics@example.com>',
          to: ['cto@example.com', 'ops@example.com'],
        },
      }),
      expect.objectContaining({
        name: 'generic hook',
        webhook: { url: `http://127.0.0.1:${hooks.port}/***`, format: 'json', headers: { Authorization: '***' } },
      }),
      expect.objectContaining({
        name: 'slack',
        webhook: { url: `http://127.0.0.1:${hooks.port}/***`, format: 'slack', headers: {} },
      }),
      expect.objectContaining({ name: 'flaky' }),
      expect.objectContaining({ name: 'dead' }),
    ]);
    const shown = JSON.stringify([answers.map((answer) => answer.body), listed.body]);
    const audit = JSON.stringify(await test.dataSource.query(`SELECT * FROM metrics_audit_log`));
    for (const secret of [SMTP_PASSWORD, 'hook-secret', 'slack-path-secret', 'dead-secret', '/json/in']) {
      expect(shown).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
  });

  it('refuses bad channels with a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'x', type: 'pager' }, 'type'],
      [{ name: 'x', type: 'email' }, 'email'],
      [{ name: 'x', type: 'webhook' }, 'webhook'],
      [{ name: 'x', type: 'webhook', webhook: { url: 'ftp://example.com/x', format: 'json' } }, 'webhook.url'],
      [{ name: 'x', type: 'webhook', webhook: { url: 'http://127.0.0.1/x', format: 'xml' } }, 'webhook.format'],
      [
        { name: 'x', type: 'webhook', webhook: { url: 'http://127.0.0.1/x', format: 'json', headers: { 'a b': 'c' } } },
        'webhook.headers',
      ],
      [{ name: 'x', type: 'email', email: { host: 'h', port: 70000, from: 'a@b.c', to: ['x@y.z'] } }, 'email.port'],
      [{ name: 'x', type: 'email', email: { host: 'h', port: 25, from: 'a@b.c', to: ['not-an-address'] } }, 'email.to'],
      [{ name: 'x', type: 'email', email: { host: 'h', port: 25, from: 'a@b.c', to: [] } }, 'email.to'],
      [{ name: 'x', type: 'email', email: { host: 'h', port: 25, from: 'a@b.c', to: ['x@y.z'], tls: 1 } }, 'email.tls'],
    ];
    for (const [body, field] of cases) {
      const answer = await call(test, 'POST', `${PREFIX}/alerts/channels`, { body });
      expect([JSON.stringify(body), answer.status]).toEqual([JSON.stringify(body), 400]);
      expect((answer.body as { errors: { field: string }[] }).errors.map((error) => error.field)).toContain(field);
    }
    expect(((await call(test, 'GET', `${PREFIX}/alerts/channels`)).body as unknown[]).length).toBe(5);
  });

  it('delivers a new alert to every channel, retrying the flaky one, giving up on the dead one', async () => {
    await computeAndEvaluate(test, '2025-06-02');
    const rows = await settledDeliveries(test, 5);
    expect(byChannel(rows)).toEqual({
      'ops mail:opened': ['delivered', 1],
      'generic hook:opened': ['delivered', 1],
      'slack:opened': ['delivered', 1],
      'flaky:opened': ['delivered', 3],
      'dead:opened': ['failed', 4],
    });
    const dead = rows.find((row) => row.channel_name === 'dead')!;
    expect(dead.last_error).toContain(`POST http://127.0.0.1:${deadPort}/***`);
    expect(dead.last_error).not.toContain('dead-secret');
    expect(hooks.to('/fail-twice')).toHaveLength(3);

    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail.authUser).toBe('alerts-bot');
    expect(mail.subject).toBe('[CRITICAL] New alert: Job failure rate, all tenants');
    expect(mail.from?.text).toBe('"Exec Metrics" <metrics@example.com>');
    expect((Array.isArray(mail.to) ? mail.to : [mail.to]).map((to) => to?.text)).toEqual([
      'cto@example.com, ops@example.com',
    ]);
    expect(mail.text).toContain('Job failure rate reached 30% (threshold 10) on 2025-06-02, all tenants');
    expect(mail.text).toContain('Value:     30 (threshold 10)');
    expect(mail.text).toContain('Bucket:    daily 2025-06-02');

    const [json] = hooks.to('/json/in');
    expect(json.headers.authorization).toBe(HOOK_TOKEN);
    expect(json.body).toMatchObject({
      event: 'opened',
      alert: {
        kind: 'threshold',
        metric: 'job_failure_rate',
        value: 30,
        threshold: 10,
        severity: 'critical',
        status: 'open',
        bucket_type: 'daily',
        bucket_date: '2025-06-02',
        tenant: null,
        message: 'Job failure rate reached 30% (threshold 10) on 2025-06-02, all tenants',
      },
    });
    const [slack] = hooks.to('/slack/');
    const slackBody = slack.body as { text: string; blocks: { type: string; fields?: { text: string }[] }[] };
    expect(slackBody.text).toBe(
      '[CRITICAL] New alert: Job failure rate, all tenants: Job failure rate reached 30% (threshold 10) on 2025-06-02, all tenants',
    );
    expect(slackBody.blocks.map((block) => block.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(slackBody.blocks[2].fields!.map((field) => field.text)).toEqual([
      '*Value*\n30',
      '*Threshold*\nthreshold 10',
      '*Bucket*\ndaily 2025-06-02',
      '*Scope*\nall tenants',
    ]);
  });

  it('delivers the resolution, then a new warning and its escalation, and nothing for a lasting condition', async () => {
    await computeAndEvaluate(test, '2025-06-03');
    await settledDeliveries(test, 10);
    expect(smtp.mails.map((mail) => mail.subject)).toEqual([
      '[CRITICAL] New alert: Job failure rate, all tenants',
      '[RESOLVED] Alert resolved: Job failure rate, all tenants',
    ]);
    expect(hooks.to('/json/in').map((request) => (request.body as { event: string }).event)).toEqual([
      'opened',
      'resolved',
    ]);

    await computeAndEvaluate(test, '2025-06-04');
    await computeAndEvaluate(test, '2025-06-05');
    await computeAndEvaluate(test, '2025-06-05');
    const rows = await settledDeliveries(test, 20);
    expect(rows.filter((row) => row.channel_name === 'generic hook').map((row) => row.event)).toEqual([
      'escalated',
      'opened',
      'resolved',
      'opened',
    ]);
    expect(
      hooks.to('/json/in').map(({ body }) => {
        const { event, alert } = body as { event: string; alert: { severity: string; value: number; status: string } };
        return [event, alert.severity, alert.value, alert.status];
      }),
    ).toEqual([
      ['opened', 'critical', 30, 'open'],
      ['resolved', 'critical', 30, 'resolved'],
      ['opened', 'warning', 10, 'open'],
      ['escalated', 'critical', 20, 'open'],
    ]);
    expect(smtp.mails.map((mail) => mail.subject).slice(2)).toEqual([
      '[WARNING] New alert: Job failure rate, all tenants',
      '[CRITICAL] Alert escalated to critical: Job failure rate, all tenants',
    ]);
  });

  it('keeps the log reachable per alert, admin only', async () => {
    const [alert] = ((await call(test, 'GET', `${PREFIX}/alerts?status=open`)).body as { alerts: { id: string }[] })
      .alerts;
    const rows = await deliveries(test, `?alert_id=${alert.id}`);
    expect(rows.map((row) => row.event).sort()).toEqual([...Array(5).fill('escalated'), ...Array(5).fill('opened')]);
    expect((await call(test, 'GET', `${PREFIX}/alerts/deliveries`, { token: test.ingestToken })).status).toBe(403);
    expect((await call(test, 'GET', `${PREFIX}/alerts/deliveries?status=lost`)).status).toBe(400);
  });
});

describe('a receiver that never answers', () => {
  let test: TestApp;
  const hooks = new WebhookReceiver();

  beforeAll(async () => {
    await hooks.start();
    test = await createTestApp({
      metrics: { alerts: { anomaly: { enabled: false }, delivery: { ...FAST_DELIVERY, timeoutMs: 60_000 } } },
    });
    await insertSourceRows(test.dataSource, {
      jobs: [...jobs('acme', '2025-06-02', 10, 3), ...jobs('acme', '2025-06-03', 4, 0)],
    });
    await call(test, 'POST', `${PREFIX}/alerts/channels`, {
      body: { name: 'black hole', type: 'webhook', webhook: { url: hooks.url('/hang'), format: 'json' } },
    });
  });

  afterAll(async () => {
    // Shutting down aborts the hanging request (the delivery goes back to the outbox) instead of waiting a minute.
    await test.close();
    await hooks.stop();
  });

  it('holds up neither the computation nor the next evaluation', async () => {
    await computeAndEvaluate(test, '2025-06-02');
    await eventually(
      () => Promise.resolve(hooks.hanging.length),
      (open) => open === 2,
    );
    // Both deliveries (global and acme) are in flight and unanswered; a computation runs to its end meanwhile.
    await test.app.get(MetricsService).computeRange({ start: '2025-06-03', end: '2025-06-03' });
    await test.app.get(AlertEvaluator).settled();
    expect((await snapshot(test.dataSource, 'daily', '2025-06-03', 'acme'))?.jobs_total).toBe(4);
    expect(hooks.hanging.every((response) => !response.writableEnded)).toBe(true);
    const rows = await deliveries(test);
    expect(rows.map((row) => [row.event, row.status]).sort()).toEqual([
      ['opened', 'sending'],
      ['opened', 'sending'],
      ['resolved', 'pending'],
      ['resolved', 'pending'],
    ]);
  });
});
