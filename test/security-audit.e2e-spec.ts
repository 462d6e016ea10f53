import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from '@exec-metrics/metrics';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

interface AuditRow {
  actor: string;
  action: string;
  route: string;
  method: string;
  params: Record<string, unknown>;
  changes: Record<string, { before: unknown; after: unknown }> | null;
  outcome: number;
  ip: string;
}

/** A host's own authentication: the user comes from a header here, from a session or JWT in a real app. */
function hostAuth(request: Request & { user?: unknown }, _response: Response, next: NextFunction) {
  const header = request.headers['x-test-user'];
  if (header === 'boss') request.user = { id: 7, email: 'boss@host.test', role: 'admin' };
  if (header === 'intern') request.user = { id: 8, email: 'intern@host.test', role: 'member' };
  next();
}

describe('access, tokens and the audit trail', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({ configure: (app) => app.use(hostAuth) });
  });

  afterAll(() => test.close());

  const audit = async (): Promise<AuditRow[]> => test.dataSource.query('SELECT * FROM metrics_audit_log ORDER BY id');

  it('admits host users by isAdmin: 200 for an admin, 403 for others, 401 for nobody', async () => {
    expect(
      (await call(test, 'GET', `${PREFIX}/catalog`, { token: null, headers: { 'x-test-user': 'boss' } })).status,
    ).toBe(200);
    expect(
      (await call(test, 'GET', `${PREFIX}/catalog`, { token: null, headers: { 'x-test-user': 'intern' } })).status,
    ).toBe(403);
    expect((await call(test, 'GET', `${PREFIX}/catalog`, { token: null })).status).toBe(401);
    const rows = await audit();
    expect(rows.at(-1)).toMatchObject({
      actor: 'boss@host.test',
      action: 'read',
      route: `/${PREFIX.slice(1)}/catalog`,
      outcome: 200,
    });
  });

  it('stores tokens hashed, shows a new token once, and refuses it once revoked', async () => {
    const created = await call(test, 'POST', `${PREFIX}/tokens`, { body: { name: 'warehouse sync', scope: 'ingest' } });
    expect(created.status).toBe(201);
    const token = (created.body as { token: string; id: string }).token;
    const id = (created.body as { id: string }).id;
    expect(token).toMatch(/^emt_i_/);
    const stored = await test.dataSource.query('SELECT * FROM metrics_api_token WHERE id = $1', [id]);
    expect(JSON.stringify(stored)).not.toContain(token);
    const listed = await call(test, 'GET', `${PREFIX}/tokens`);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(JSON.stringify(listed.body)).not.toContain('token_hash');

    const event = { type: 'login', at: '2025-01-01T00:00:00Z', tenant: 'a', user: 'u' };
    expect((await call(test, 'POST', `${PREFIX}/events`, { token, body: { events: [event] } })).status).toBe(200);
    expect((await call(test, 'GET', `${PREFIX}/summary?start=2025-01-01&end=2025-01-01`, { token })).status).toBe(403);

    expect((await call(test, 'DELETE', `${PREFIX}/tokens/${id}`)).status).toBe(200);
    expect((await call(test, 'POST', `${PREFIX}/events`, { token, body: { events: [event] } })).status).toBe(401);
    expect((await call(test, 'DELETE', `${PREFIX}/tokens/not-a-uuid`)).status).toBe(400);
    expect((await call(test, 'POST', `${PREFIX}/tokens`, { body: { name: 'x', scope: 'root' } })).status).toBe(400);

    const actions = (await audit()).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(['token_create', 'token_revoke']));
  });

  it('records config changes with the changed fields before and after, in the same transaction', async () => {
    const changed = await call(test, 'PATCH', `${PREFIX}/config`, {
      body: { error_rate_threshold_pct: 2.5, timezone: 'Europe/Paris' },
    });
    expect(changed.status).toBe(200);
    const row = (await audit()).at(-1)!;
    expect(row).toMatchObject({ action: 'config_change', method: 'PATCH', outcome: 200 });
    expect(row.changes).toEqual({
      error_rate_threshold_pct: { before: 5, after: 2.5 },
      timezone: { before: 'UTC', after: 'Europe/Paris' },
    });
    const refused = await call(test, 'PATCH', `${PREFIX}/config`, { body: { error_rate_threshold_pct: -3 } });
    expect(refused.status).toBe(400);
    expect((await audit()).at(-1)).toMatchObject({ action: 'config_change', outcome: 400 });
  });

  it('records exports and runs, and masks secrets in parameters', async () => {
    await call(test, 'GET', `${PREFIX}/export.csv?start=2025-01-01&end=2025-01-02`);
    const backfill = await call(test, 'POST', `${PREFIX}/backfill`, {
      body: { start: '2025-01-01', end: '2025-01-01' },
    });
    await test.app.get(MetricsService).waitForRun((backfill.body as { run_id: string }).run_id);
    const rows = await audit();
    expect(rows.find((row) => row.action === 'export')).toMatchObject({
      params: { start: '2025-01-01', end: '2025-01-02' },
      outcome: 200,
    });
    expect(rows.find((row) => row.action === 'run')).toMatchObject({ outcome: 202, params: { start: '2025-01-01' } });
    expect(JSON.stringify(rows)).not.toContain(test.adminToken);
  });

  it('keeps the audit trail append-only', async () => {
    await expect(test.dataSource.query(`UPDATE metrics_audit_log SET actor = 'someone else'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(test.dataSource.query('DELETE FROM metrics_audit_log')).rejects.toThrow(/append-only/);
    const rows = await audit();
    expect(rows.length).toBeGreaterThanOrEqual(5);
  });

  it('does not serve a read whose audit record cannot be written', async () => {
    await test.dataSource.query('ALTER TABLE metrics_audit_log RENAME TO metrics_audit_log_away');
    try {
      const response = await call(test, 'GET', `${PREFIX}/catalog`);
      expect(response.status).toBe(503);
      expect(JSON.stringify(response.body)).toContain('audit');
    } finally {
      await test.dataSource.query('ALTER TABLE metrics_audit_log_away RENAME TO metrics_audit_log');
    }
  });
});

const LOGIN = { type: 'login', at: '2025-01-01T00:00:00Z', tenant: null, user: 'u1', id: 'rate-limit-login' };

describe('rate limiting', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({ metrics: { rateLimit: { limit: 5, ttlMs: 60_000, authFailures: 3 } } });
  });

  afterAll(() => test.close());

  it('gives each caller its own budget: a busy token does not starve another one behind the same address', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 7; index += 1) statuses.push((await call(test, 'GET', `${PREFIX}/catalog`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await call(test, 'GET', `${PREFIX}/catalog`);
    expect(refused.body).toMatchObject({
      message: 'At most 5 requests per 60 s per caller on the metrics routes; retry later',
    });
    // The ingest token, from the same 127.0.0.1, still has its five.
    const ingest: number[] = [];
    for (let index = 0; index < 6; index += 1)
      ingest.push(
        (await call(test, 'POST', `${PREFIX}/events`, { token: test.ingestToken, body: { events: [LOGIN] } })).status,
      );
    expect(ingest).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('counts failed authentications per address, whatever token is guessed', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 5; index += 1)
      statuses.push((await call(test, 'GET', `${PREFIX}/catalog`, { token: `guess-${index}` })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const refused = await call(test, 'GET', `${PREFIX}/catalog`, { token: null });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      message: 'Too many failed authentications from this address (3 per 60 s); retry later',
    });
  });
});
