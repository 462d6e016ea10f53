import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { AuditService, MetricsService } from '../libs/metrics/src/index.js';
import type { TemporaryPostgres } from '../scripts/postgres-server.mjs';
import { ownPostgres } from './support/postgres.js';
import { REVENUE_EVENTS } from './support/revenue-scenario.js';
import { insertSourceRows } from './support/source-rows.js';
import { deliver, WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/** docs/backups.md: the tables a backup must hold; everything else is recomputed or bookkeeping. */
const PRIMARY_TABLES = [
  'metrics_lifecycle_event',
  'metrics_activity_event',
  'system_activation_event',
  'metrics_job_event',
  'metrics_ai_usage_event',
  'metrics_api_request_rollup',
  'metrics_ingested_event',
  'metrics_stripe_event',
  'metrics_billing_customer',
  'metrics_billing_subscription_state',
  'metrics_billing_invoice_state',
  'metrics_revenue_ledger',
  'system_metrics_config',
  'metrics_api_token',
  'metrics_audit_log',
  'metrics_audit_archive',
  'metrics_alert_rule',
  'metrics_alert_channel',
  'metrics_alert',
  'metrics_alert_delivery',
];
const SCHEMA = 'metrics';
const RANGE = { start: '2026-01-01', end: '2026-03-31' };

/** md5 of the derived tables without ids, computation times and the cohorts' as_of bookkeeping: equal when the numbers are equal. */
async function derivedDigest(test: TestApp): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  for (const table of ['system_metrics_snapshot', 'system_cohort_retention']) {
    const [row] = await test.dataSource.query<{ n: number; md5: string }[]>(
      `SELECT count(*)::int AS n, md5(string_agg(r, E'\\n' ORDER BY r)) AS md5
       FROM (SELECT (to_jsonb(t) - 'id' - 'computed_at' - 'computed_as_of' - 'computed_inputs')::text AS r FROM ${table} t) rows`,
    );
    digest[table] = `${row.n}:${row.md5}`;
  }
  return digest;
}

const onDatabase = (url: string, database: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

/**
 * A pg_dump of the primary tables only (docs/backups.md), restored into an empty database, gives back the same
 * snapshots and cohorts once recomputed, and an intact audit chain. On a PostgreSQL server of the test's own
 * whatever the suite's database, since it is pg_dump and psql that are shown working.
 */
describe('backup of the primary tables', () => {
  let server: TemporaryPostgres;
  let source: TestApp;
  let restored: TestApp;

  beforeAll(async () => {
    server = await ownPostgres();
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE DATABASE backup_source');
    await admin.query('CREATE DATABASE backup_restored');
    await admin.end();
    source = await createTestApp({
      databaseUrl: onDatabase(server.url, 'backup_source'),
      sharedSchema: SCHEMA,
      metrics: { stripe: { webhookSecret: WEBHOOK_SECRET } },
    });
    for (const event of REVENUE_EVENTS) expect((await deliver(source, event)).status).toBe(200);
    await call(source, 'PATCH', '/api/system/metrics/config', { body: { currency_rates: { EUR: 1.1 } } });
    await insertSourceRows(source.dataSource, {
      lifecycle: [
        ['acme', 'u1', 'signup', '2026-01-02T10:00:00Z'],
        ['globex', 'u2', 'signup', '2026-02-02T10:00:00Z'],
      ],
      activity: [
        ['acme', 'u1', '2026-01-09T10:00:00Z'],
        ['globex', 'u2', '2026-02-20T11:00:00Z'],
      ],
      jobs: [[null, 'failed', '2026-03-01T10:00:00Z', '2026-03-01T10:01:00Z']],
    });
    await source.app.get(MetricsService).computeRange(RANGE);
  }, 180_000);

  afterAll(async () => {
    await source?.close();
    await restored?.close();
    server?.stop();
  });

  it('restores into an empty database and recomputes identical snapshots and cohorts', async () => {
    const { stdout: dump } = await promisify(execFile)(
      'pg_dump',
      [
        '--data-only',
        '--disable-triggers',
        // The audit trail's rows are in its monthly partitions: dumped with them, loaded through the parent so
        // that each lands in the restored database's partition of its month (or DEFAULT, until the app moves it).
        '--load-via-partition-root',
        ...PRIMARY_TABLES.flatMap((table) => ['-t', `${SCHEMA}.${table}`]),
        ...['-t', `${SCHEMA}.metrics_audit_log_*`],
        onDatabase(server.url, 'backup_source'),
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    // The new app creates the schema (migrations); what it wrote at start (its own token) makes way for the dump.
    restored = await createTestApp({
      databaseUrl: onDatabase(server.url, 'backup_restored'),
      sharedSchema: SCHEMA,
      metrics: { stripe: { webhookSecret: WEBHOOK_SECRET } },
    });
    await restored.dataSource.query(
      `SET session_replication_role = replica; TRUNCATE ${PRIMARY_TABLES.join(', ')}; SET session_replication_role = origin`,
    );
    const file = join(await mkdtemp(join(tmpdir(), 'metrics-backup-')), 'primary.sql');
    await writeFile(file, dump);
    await promisify(execFile)('psql', [
      '-v',
      'ON_ERROR_STOP=1',
      '-q',
      '-f',
      file,
      onDatabase(server.url, 'backup_restored'),
    ]);
    await rm(dirname(file), { recursive: true });
    const [{ snapshots }] = await restored.dataSource.query(
      `SELECT count(*)::int AS snapshots FROM system_metrics_snapshot`,
    );
    expect(snapshots).toBe(0);

    await restored.app.get(MetricsService).computeRange(RANGE);
    const [expected, actual] = [await derivedDigest(source), await derivedDigest(restored)];
    // Daily and monthly buckets of the global view, acme and globex (90 + 3 each), and the weekly ones.
    expect(Number(expected.system_metrics_snapshot.split(':')[0])).toBeGreaterThan(279);
    expect(actual).toEqual(expected);
    const chain = await restored.app.get(AuditService).verify();
    expect(chain).toMatchObject({ ok: true, head: (await source.app.get(AuditService).verify()).head });
  });
});
