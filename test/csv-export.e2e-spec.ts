import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import { MetricsService } from '@exec-metrics/metrics';
import { CsvExportService } from '../libs/metrics/src/read/csv-export.service.js';
import type { TemporaryPostgres } from '../scripts/postgres-server.mjs';
import { ownPostgres } from './support/postgres.js';
import { insertSourceRows } from './support/source-rows.js';
import { createTestApp, type TestApp } from './support/test-app.js';

async function textOf(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

interface PgPool {
  totalCount: number;
  idleCount: number;
}

/**
 * On PostgreSQL the export is written by `COPY ... TO STDOUT`; on PGlite by csv-stringify. Both must write the same
 * bytes (formula-like cells quoted, numbers as they are, dates and instants in one format), and the COPY must give
 * its connection back however it ends. Runs on a PostgreSQL server of its own, so it checks COPY in every run.
 */
describe('CSV export written by PostgreSQL (COPY)', () => {
  let server: TemporaryPostgres;
  let test: TestApp;
  let exporter: CsvExportService;
  const pool = () => (test.dataSource.driver as unknown as { master: PgPool }).master;

  beforeAll(async () => {
    server = await ownPostgres();
    test = await createTestApp({ databaseUrl: server.url });
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['acme', 'u1', 'signup', '2025-04-01T10:00:00Z'],
        ['acme', 'u2', 'signup', '2025-04-02T10:00:00Z'],
        ['acme', 'u2', 'deactivate', '2025-05-03T10:00:00Z'],
        ['-calc', 'x1', 'signup', '2025-04-01T10:00:00Z'],
        ['-5', 'n1', 'signup', '2025-04-20T10:00:00Z'],
        ['@sum', 's1', 'signup', '2025-05-20T10:00:00Z'],
      ],
      activity: [
        ['acme', 'u1', '2025-04-01T11:00:00Z'],
        ['acme', 'u2', '2025-04-10T11:00:00Z'],
      ],
      jobs: [['acme', 'failed', '2025-04-03T11:00:00Z', '2025-04-03T11:00:20Z']],
    });
    await test.app.get(MetricsService).computeRange({ start: '2025-04-01', end: '2025-05-31' });
    exporter = test.app.get(CsvExportService);
  }, 120_000);

  afterAll(async () => {
    await test.close();
    server.stop();
  });

  it.each([
    ['acme', 'daily'],
    ['-calc', 'daily'],
    ['-5', 'weekly'],
    ['@sum', 'monthly'],
    [null, 'daily'],
    [null, 'monthly'],
  ] as const)('writes the same bytes as the JavaScript writer: tenant %s, %s', async (tenant, bucket) => {
    // Mid-May: May's month and week are to date, April's are complete (the `complete` column).
    const query = { start: '2025-04-01', end: '2025-05-31', tenant, bucket, asOf: new Date('2025-05-15T12:00:00Z') };
    const copied = await exporter.open(query);
    expect(copied).toBeInstanceOf(copyTo('').constructor);
    const fromCopy = await textOf(copied);
    expect(fromCopy).toBe(await textOf(exporter.pagedStream(query, '2025-05-15')));
    expect(fromCopy).toContain(',true,');
    expect(fromCopy).toContain(',false,');
    expect(fromCopy.split('\n').length).toBeGreaterThan(2);
  });

  it('quotes formula-like tenants and leaves number-like ones alone', async () => {
    const cell = async (tenant: string) => {
      const text = await textOf(await exporter.open({ start: '2025-05-31', end: '2025-05-31', tenant }));
      return text.split('\n')[1].split(',')[2];
    };
    expect(await cell('-calc')).toBe("'-calc");
    expect(await cell('@sum')).toBe("'@sum");
    expect(await cell('-5')).toBe('-5');
  });

  it('gives its connection back after a whole export and after one cut short', async () => {
    await textOf(await exporter.open({ start: '2025-04-01', end: '2025-05-31', tenant: null }));
    const abandoned = await exporter.open({ start: '2025-04-01', end: '2025-05-31', tenant: null });
    abandoned.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pool().totalCount - pool().idleCount).toBe(0);
    const [{ one }] = await test.dataSource.query<{ one: number }[]>('SELECT 1 AS one');
    expect(one).toBe(1);
  });
});
