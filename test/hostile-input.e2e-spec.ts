import { MetricsService } from '@exec-metrics/metrics';
import { HOSTILE_CASES, type Credential } from './support/hostile-cases.js';
import { tableDigest } from './support/table-digest.js';
import { WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { insertSourceRows } from './support/source-rows.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

/**
 * Every row of test/support/hostile-cases.ts is sent to the real app: each must be refused with a 4xx and a
 * JSON body whose message says why, none may be answered 5xx, and no table may change.
 */
describe('hostile input', () => {
  let test: TestApp;
  let revoked: string;

  beforeAll(async () => {
    test = await createTestApp({ metrics: { stripe: { webhookSecret: WEBHOOK_SECRET } } });
    await insertSourceRows(test.dataSource, {
      lifecycle: [['acme', 'u1', 'signup', '2025-01-02T10:00:00Z']],
      activity: [['acme', 'u1', '2025-01-02T10:00:00Z']],
    });
    await test.app.get(MetricsService).run({ start: '2025-01-01', end: '2025-01-31', trigger: 'backfill' });
    const created = await call(test, 'POST', `${PREFIX}/tokens`, { body: { name: 'to revoke', scope: 'admin' } });
    const { id, token } = created.body as { id: string; token: string };
    await call(test, 'DELETE', `${PREFIX}/tokens/${id}`);
    revoked = token;
    // Both option tokens have been used once, so last_used_at is set and stays put for the next minute.
    await call(test, 'POST', `${PREFIX}/events`, { token: test.ingestToken, body: { events: [] } });
    // (last_used_at is written off the request path: wait until it is.)
    for (let unused = 1; unused > 0;) {
      [{ unused }] = await test.dataSource.query(
        'SELECT count(*)::int AS unused FROM metrics_api_token WHERE last_used_at IS NULL AND revoked_at IS NULL',
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // An app start, a backfill and a few writes: seconds alone, over a minute on a loaded machine.
  }, 180_000);

  afterAll(() => test.close());

  const token = (as: Credential | undefined): { token: string | null; headers?: Record<string, string> } => {
    switch (as ?? 'admin') {
      case 'admin':
        return { token: test.adminToken };
      case 'ingest':
        return { token: test.ingestToken };
      case 'revoked':
        return { token: revoked };
      case 'bogus':
        return { token: 'emt_a_thisIsNotAToken' };
      case 'huge':
        return { token: 'a'.repeat(8_000) };
      case 'malformed':
        return { token: null, headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` } };
      case 'none':
        return { token: null };
    }
  };

  it(`has at least 80 cases`, () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(80);
    expect(new Set(HOSTILE_CASES.map((hostile) => hostile.name)).size).toBe(HOSTILE_CASES.length);
  });

  it('refuses every case with a 4xx and a JSON reason, and changes no table', async () => {
    const before = await tableDigest(test.dataSource);
    const wrong: string[] = [];
    for (const hostile of HOSTILE_CASES) {
      const credentials = token(hostile.as);
      const response = await call(test, hostile.method, hostile.path, {
        token: credentials.token,
        body: hostile.body,
        rawBody: hostile.raw,
        headers: { ...credentials.headers, ...hostile.headers },
      });
      const body = response.body as { message?: unknown; statusCode?: unknown } | string;
      const reason = typeof body === 'object' && body !== null ? body.message : undefined;
      const problems = [
        hostile.status !== undefined
          ? response.status !== hostile.status && `status ${response.status}, expected ${hostile.status}`
          : (response.status < 400 || response.status > 499) && `status ${response.status}, expected a 4xx`,
        !response.headers.get('content-type')?.includes('application/json') && 'not JSON',
        (typeof reason !== 'string' || reason.length === 0) && !Array.isArray(reason) && 'no message',
        hostile.reason &&
          !hostile.reason.test(String(reason)) &&
          !hostile.reason.test(response.text) &&
          `reason does not match ${hostile.reason}`,
      ].filter(Boolean);
      if (problems.length > 0) wrong.push(`${hostile.name}: ${problems.join(', ')} — ${response.text.slice(0, 300)}`);
    }
    expect(wrong).toEqual([]);
    expect(await tableDigest(test.dataSource)).toEqual(before);
  });
});
