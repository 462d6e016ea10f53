import type { TemporaryPostgres } from '../scripts/postgres-server.mjs';
import { ownPostgres } from './support/postgres.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';
const WORKERS = 4;
const BATCHES = 25;
const PER_BATCH = 20;

interface Batch {
  worker: number;
  index: number;
  events: { id: string; type: 'login'; at: string; tenant: string; user: string }[];
}

/** Batch `index` of `worker`: logins, each with its own id and user, so every stored row is traceable. */
function batch(worker: number, index: number): Batch {
  return {
    worker,
    index,
    events: Array.from({ length: PER_BATCH }, (_, n) => {
      const id = `w${worker}-b${index}-e${n}`;
      return { id, type: 'login', at: '2025-03-01T12:00:00Z', tenant: 'acme', user: id };
    }),
  };
}

/** POST a batch; a network error (the app never answers) counts as status 0. */
async function send(test: TestApp, sent: Batch): Promise<{ status: number; body: unknown }> {
  try {
    const response = await call(test, 'POST', `${PREFIX}/events`, {
      token: test.ingestToken,
      body: { events: sent.events },
    });
    return { status: response.status, body: response.body };
  } catch {
    return { status: 0, body: null };
  }
}

describe('faults on a real PostgreSQL', () => {
  let server: TemporaryPostgres;
  let test: TestApp;

  beforeAll(async () => {
    server = await ownPostgres({ durable: true });
    test = await createTestApp({ databaseUrl: server.url, metrics: { rateLimit: false } });
  });

  afterAll(async () => {
    await test.close();
    server.stop();
  });

  const storedUsers = async (): Promise<Map<string, number>> => {
    const rows = await test.dataSource.query<{ user_id: string; n: number }[]>(
      `SELECT user_id, count(*)::int AS n FROM metrics_activity_event WHERE tenant_id = 'acme' GROUP BY user_id`,
    );
    return new Map(rows.map((row) => [row.user_id, row.n]));
  };

  it('keeps every acknowledged event exactly once across a database restart, and retries make it exact', async () => {
    const acknowledged: Batch[] = [];
    const failed: Batch[] = [];
    const statuses = new Map<number, number>();
    let crashed = false;
    const worker = async (index: number) => {
      for (let n = 0; n < BATCHES; n += 1) {
        const sent = batch(index, n);
        const { status, body } = await send(test, sent);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200) {
          expect(body).toEqual({ accepted: PER_BATCH, duplicates: 0 });
          acknowledged.push(sent);
        } else {
          expect({ status, body }).toEqual({
            status: 503,
            body: expect.objectContaining({ message: expect.stringMatching(/database is unavailable.*retry/) }),
          });
          failed.push(sent);
        }
        // The crash comes once a quarter of the burst was acknowledged, while the other workers are mid-request.
        if (!crashed && acknowledged.length >= (WORKERS * BATCHES) / 4) {
          crashed = true;
          server.crash();
          setTimeout(() => server.restart(), 300);
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, index) => worker(index)));
    expect(crashed).toBe(true);
    expect(failed.length).toBeGreaterThan(0);
    expect(statuses.get(500)).toBeUndefined();

    // Wait for the database to be back (the pool reconnects by itself: no app restart).
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if ((await call(test, 'GET', `${PREFIX}/catalog`)).status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Everything acknowledged is there, once.
    const afterBurst = await storedUsers();
    for (const sent of acknowledged)
      for (const event of sent.events)
        expect({ id: event.id, n: afterBurst.get(event.user) }).toEqual({ id: event.id, n: 1 });

    // Clients that got an error send the same batch again: dedup by id stores what was missing, nothing twice.
    let duplicates = 0;
    for (const sent of failed) {
      const retried = await send(test, sent);
      expect(retried.status).toBe(200);
      duplicates += (retried.body as { duplicates: number }).duplicates;
    }
    const final = await storedUsers();
    expect(final.size).toBe(WORKERS * BATCHES * PER_BATCH);
    expect([...final.values()].every((n) => n === 1)).toBe(true);
    const [{ ids }] = await test.dataSource.query(
      `SELECT count(*)::int AS ids FROM metrics_ingested_event WHERE event_id LIKE 'w%-b%-e%'`,
    );
    expect(ids).toBe(WORKERS * BATCHES * PER_BATCH);
    // A failed batch was either rolled back whole (duplicates 0) or committed but not acknowledged (all duplicates).
    expect(duplicates % PER_BATCH).toBe(0);
  });

  it('answers 503 on a full disk, writes nothing half, and recovers once space is back, without a restart', async () => {
    await test.dataSource.query(`
      CREATE FUNCTION fake_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'could not extend file "base/16384/16385": No space left on device' USING ERRCODE = '53100';
      END $$`);
    // Lifecycle rows are written before activity rows: the signup below is written, then the login fails.
    await test.dataSource.query(
      'CREATE TRIGGER fake_disk_full BEFORE INSERT ON metrics_activity_event FOR EACH ROW EXECUTE FUNCTION fake_disk_full()',
    );
    const counts = async () =>
      (
        await test.dataSource.query(`SELECT
          (SELECT count(*)::int FROM metrics_lifecycle_event) AS lifecycle,
          (SELECT count(*)::int FROM metrics_activity_event) AS activity,
          (SELECT count(*)::int FROM metrics_ingested_event) AS ids`)
      )[0] as { lifecycle: number; activity: number; ids: number };
    const before = await counts();
    const events = [
      { id: 'disk-1', type: 'signup', at: '2025-03-02T10:00:00Z', tenant: 'acme', user: 'disk-user' },
      { id: 'disk-2', type: 'login', at: '2025-03-02T10:05:00Z', tenant: 'acme', user: 'disk-user' },
    ];
    const refused = await call(test, 'POST', `${PREFIX}/events`, { token: test.ingestToken, body: { events } });
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The database is out of resources (disk full); nothing was stored, retry later',
    });
    expect(await counts()).toEqual(before);

    await test.dataSource.query('DROP TRIGGER fake_disk_full ON metrics_activity_event');
    const accepted = await call(test, 'POST', `${PREFIX}/events`, { token: test.ingestToken, body: { events } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ accepted: 2, duplicates: 0 });
    expect(await counts()).toEqual({
      lifecycle: before.lifecycle + 1,
      activity: before.activity + 1,
      ids: before.ids + 2,
    });
  });
});
