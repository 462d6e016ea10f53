import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

/** Optimistic concurrency on PATCH config: ETag on the answers, If-Match refused with 412 when stale. */
describe('PATCH config with If-Match', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({ metrics: { rateLimit: false } });
  });

  afterAll(() => test.close());

  const etagOf = async () => {
    const answer = await call(test, 'GET', `${PREFIX}/config`);
    expect(answer.status).toBe(200);
    return answer.headers.get('etag') ?? '';
  };
  const row = async () =>
    (await test.dataSource.query<Record<string, unknown>[]>('SELECT * FROM system_metrics_config'))[0];
  const records = async () =>
    test.dataSource.query<{ outcome: number; changes: Record<string, { before: number; after: number }> | null }[]>(
      `SELECT outcome, changes FROM metrics_audit_log WHERE action = 'config_change' ORDER BY id`,
    );

  it('GET config answers a strong ETag that is stable while nothing changes and new after a write', async () => {
    const first = await etagOf();
    expect(first).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(await etagOf()).toBe(first);
    const patched = await call(test, 'PATCH', `${PREFIX}/config`, {
      body: { churn_spike_threshold_pct: 8 },
      headers: { 'if-match': first },
    });
    expect(patched.status).toBe(200);
    const second = await etagOf();
    expect(second).not.toBe(first);
    // The PATCH answer carries the ETag of the configuration it left, so a client can chain changes.
    expect(patched.headers.get('etag')).toBe(second);
  });

  it('a stale If-Match answers 412 naming If-Match, and changes neither the row nor the change history', async () => {
    const stale = await etagOf();
    expect((await call(test, 'PATCH', `${PREFIX}/config`, { body: { payment_failure_threshold: 4 } })).status).toBe(
      200,
    );
    const rowBefore = await row();
    const recordsBefore = await records();
    const refused = await call(test, 'PATCH', `${PREFIX}/config`, {
      body: { churn_spike_threshold_pct: 20 },
      headers: { 'if-match': stale },
    });
    expect(refused.status).toBe(412);
    expect((refused.body as { message: string }).message).toMatch(/^If-Match: /);
    expect(await row()).toEqual(rowBefore);
    // The refused attempt is recorded as such (outcome 412, no changes), never as a change.
    expect(await records()).toEqual([...recordsBefore, { outcome: 412, changes: null }]);
    expect((await call(test, 'GET', `${PREFIX}/config`)).body).toMatchObject({
      churn_spike_threshold_pct: 8,
      payment_failure_threshold: 4,
    });
  });

  it('If-Match: * and a list holding the current ETag are accepted; a weak tag is not; no If-Match as before', async () => {
    const star = await call(test, 'PATCH', `${PREFIX}/config`, {
      body: { churn_spike_threshold_pct: 9 },
      headers: { 'if-match': '*' },
    });
    expect(star.status).toBe(200);
    const current = await etagOf();
    const weak = await call(test, 'PATCH', `${PREFIX}/config`, {
      body: { churn_spike_threshold_pct: 10 },
      headers: { 'if-match': `W/${current}` },
    });
    expect(weak.status).toBe(412);
    const listed = await call(test, 'PATCH', `${PREFIX}/config`, {
      body: { churn_spike_threshold_pct: 11 },
      headers: { 'if-match': `"old", ${current}` },
    });
    expect(listed.status).toBe(200);
    const plain = await call(test, 'PATCH', `${PREFIX}/config`, { body: { churn_spike_threshold_pct: 12 } });
    expect(plain.status).toBe(200);
    expect((plain.body as { churn_spike_threshold_pct: number }).churn_spike_threshold_pct).toBe(12);
    const changes = (await records()).filter((record) => record.outcome === 200).slice(-3);
    expect(changes.map((record) => record.changes?.churn_spike_threshold_pct)).toEqual([
      { before: 8, after: 9 },
      { before: 9, after: 11 },
      { before: 11, after: 12 },
    ]);
  });

  it('two PATCHes at once with the same ETag: exactly one 200 and one 412, one change recorded', async () => {
    const etag = await etagOf();
    const changesBefore = (await records()).filter((record) => record.outcome === 200).length;
    const answers = await Promise.all(
      [30, 40].map((value) =>
        call(test, 'PATCH', `${PREFIX}/config`, {
          body: { churn_spike_threshold_pct: value },
          headers: { 'if-match': etag },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412]);
    const winner = answers.find((answer) => answer.status === 200)!.body as { churn_spike_threshold_pct: number };
    const changes = (await records()).filter((record) => record.outcome === 200);
    expect(changes).toHaveLength(changesBefore + 1);
    expect(changes[changes.length - 1].changes?.churn_spike_threshold_pct).toEqual({
      before: 12,
      after: winner.churn_spike_threshold_pct,
    });
    expect(Number((await row()).churn_spike_threshold_pct)).toBe(winner.churn_spike_threshold_pct);
  });
});
