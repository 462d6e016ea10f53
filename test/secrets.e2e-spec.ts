import { Logger, type LoggerService } from '@nestjs/common';
import { setupMetricsOpenApi } from '@exec-metrics/metrics';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';
const STRIPE_KEY = 'sk_test_51SuperSecretStripeKey';
const WEBHOOK_SECRET = 'whsec_SuperSecretWebhookSigning';

/** Every line any Nest logger writes, whatever its level. */
class CollectingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (...parts: unknown[]) => void this.lines.push(parts.map(String).join(' '));
  error = this.log;
  warn = this.log;
  debug = this.log;
  verbose = this.log;
  fatal = this.log;
}

describe('secrets are never returned nor logged', () => {
  let test: TestApp;
  const logs = new CollectingLogger();

  beforeAll(async () => {
    test = await createTestApp({
      metrics: { stripe: { secretKey: STRIPE_KEY, webhookSecret: WEBHOOK_SECRET } },
      configure: (app) => setupMetricsOpenApi(app, 'api/docs'),
    });
    Logger.overrideLogger(logs);
  });

  afterAll(async () => {
    await test.close();
    Logger.overrideLogger(['error']);
  });

  it('keeps tokens, Stripe keys and passwords out of every answer, the audit trail and the logs', async () => {
    const created = await call(test, 'POST', `${PREFIX}/tokens`, { body: { name: 'integration', scope: 'ingest' } });
    const newToken = (created.body as { token: string }).token;
    expect(newToken).toMatch(/^emt_i_/); // shown once, at creation: the only answer that may carry it

    const answers = [
      await call(test, 'GET', `${PREFIX}/config`),
      await call(test, 'GET', `${PREFIX}/tokens`),
      await call(test, 'GET', `${PREFIX}/runs`),
      await call(test, 'GET', `${PREFIX}/catalog`),
      await call(test, 'GET', '/api/docs-json', { token: null }),
      // Secrets sent in a request (mistakenly or by an attacker) are refused without being echoed or audited.
      await call(test, 'PATCH', `${PREFIX}/config`, {
        body: { stripe_secret_key: STRIPE_KEY, password: 'hunter2-pw' },
      }),
      await call(test, 'GET', `${PREFIX}/summary?start=2025-01-01&end=2025-01-02&token=${newToken}`),
    ];
    // A failure that is logged, with a token on the request: the log says what failed, not who asked with what.
    await test.dataSource.query('ALTER TABLE metrics_run RENAME TO metrics_run_away');
    try {
      answers.push(await call(test, 'GET', `${PREFIX}/runs`, { token: test.adminToken }));
    } finally {
      await test.dataSource.query('ALTER TABLE metrics_run_away RENAME TO metrics_run');
    }
    expect(answers.at(-1)!.status).toBe(500);
    expect(logs.lines.join('\n')).toMatch(/metrics_run/);

    const audit = JSON.stringify(await test.dataSource.query('SELECT * FROM metrics_audit_log'));
    const everything = [...answers.map((answer) => answer.text), audit, ...logs.lines].join('\n');
    for (const secret of [STRIPE_KEY, WEBHOOK_SECRET, test.adminToken, test.ingestToken, newToken, 'hunter2-pw'])
      expect({ secret, leaked: everything.includes(secret) }).toEqual({ secret, leaked: false });
    expect(audit).toContain('"password":"***"');
    expect(audit).toContain('"token":"***"');
  });
});
