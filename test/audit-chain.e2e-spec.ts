import { AuditService } from '@exec-metrics/metrics';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

interface Report {
  ok: boolean;
  records: number;
  head: string | null;
  first_broken: { id: string; reason: string } | null;
}

/** Runs SQL with the append-only trigger paused, as a superuser (or the table's owner) could. */
async function asSuperuser(test: TestApp, sql: string): Promise<void> {
  await test.dataSource.query('ALTER TABLE metrics_audit_log DISABLE TRIGGER metrics_audit_log_append_only');
  try {
    await test.dataSource.query(sql);
  } finally {
    await test.dataSource.query('ALTER TABLE metrics_audit_log ENABLE TRIGGER metrics_audit_log_append_only');
  }
}

describe('the audit hash chain', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp();
  });

  afterAll(() => test.close());

  const ids = async () =>
    (await test.dataSource.query<{ id: number }[]>('SELECT id::int AS id FROM metrics_audit_log ORDER BY id')).map(
      (row) => row.id,
    );

  it('chains every record, concurrent writers included, and verifies over HTTP', async () => {
    for (let index = 0; index < 3; index += 1) await call(test, 'GET', `${PREFIX}/catalog`);
    await Promise.all(Array.from({ length: 12 }, () => call(test, 'GET', `${PREFIX}/catalog`)));
    await test.app.get(AuditService).record({
      actor: 'cli:tester',
      actor_kind: 'cli',
      ip: null,
      method: 'CLI',
      route: 'token list',
      action: 'read',
      params: { note: 'café ☕ \u0000' },
      outcome: 0,
    });
    const rows = await test.dataSource.query<{ id: number; prev_hash: string | null; hash: string }[]>(
      'SELECT id::int AS id, prev_hash, hash FROM metrics_audit_log ORDER BY id',
    );
    expect(rows).toHaveLength(16);
    expect(rows[0].prev_hash).toBeNull();
    for (let index = 1; index < rows.length; index += 1) expect(rows[index].prev_hash).toBe(rows[index - 1].hash);
    expect(new Set(rows.map((row) => row.hash)).size).toBe(16);

    const verified = await call(test, 'GET', `${PREFIX}/audit/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ ok: true, records: 16, head: rows[15].hash, first_broken: null });
    // The verification itself is audited after it ran: the chain is now one longer and still intact.
    expect(await test.app.get(AuditService).verify()).toMatchObject({ ok: true, records: 17 });
  });

  it('cannot be changed or deleted through the module or plain SQL', async () => {
    await expect(test.dataSource.query(`UPDATE metrics_audit_log SET outcome = 200`)).rejects.toThrow(/append-only/);
    await expect(test.dataSource.query(`DELETE FROM metrics_audit_log`)).rejects.toThrow(/append-only/);
    // A forged record cannot choose its own hash: the trigger overwrites it.
    await test.dataSource.query(
      `INSERT INTO metrics_audit_log (actor, actor_kind, method, route, action, outcome, prev_hash, hash)
       VALUES ('mallory', 'user', 'GET', '/x', 'read', 200, repeat('0', 64), repeat('f', 64))`,
    );
    expect(await test.app.get(AuditService).verify()).toMatchObject({ ok: true, records: 18 });
  });

  it('reports a record changed behind the trigger at that record', async () => {
    const [, , third] = await ids();
    await asSuperuser(test, `UPDATE metrics_audit_log SET outcome = 500 WHERE id = ${third}`);
    const report = (await call(test, 'GET', `${PREFIX}/audit/verify`)).body as Report;
    expect(report.ok).toBe(false);
    expect(report.first_broken).toEqual({ id: String(third), reason: expect.stringMatching(/changed/) });
    await asSuperuser(test, `UPDATE metrics_audit_log SET outcome = 200 WHERE id = ${third}`);
    expect((await test.app.get(AuditService).verify()).ok).toBe(true);
  });

  it('reports a deleted record at its successor, naming the record now before it', async () => {
    const all = await ids();
    const [fourth, fifth, sixth] = all.slice(3, 6);
    await asSuperuser(test, `DELETE FROM metrics_audit_log WHERE id = ${fifth}`);
    const report = await test.app.get(AuditService).verify();
    expect(report).toMatchObject({ ok: false, records: all.length - 1 });
    expect(report.first_broken).toEqual({
      id: String(sixth),
      reason: `its predecessor is not record ${fourth}: records between them were removed`,
    });
  });

  it('reports the removal of the first record', async () => {
    const [first, second] = await ids();
    await asSuperuser(test, `DELETE FROM metrics_audit_log WHERE id = ${first}`);
    const report = await test.app.get(AuditService).verify();
    expect(report.first_broken).toEqual({ id: String(second), reason: expect.stringMatching(/removed before it/) });
  });
});
