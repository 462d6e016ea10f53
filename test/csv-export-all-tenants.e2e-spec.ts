import type { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { MetricsService } from '@exec-metrics/metrics';
import { CsvExportService } from '../libs/metrics/src/read/csv-export.service.js';
import { insertSourceRows } from './support/source-rows.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';
const RANGE = { start: '2025-04-01', end: '2025-04-03' };
const AS_OF = new Date('2025-04-10T12:00:00Z');

async function textOf(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The lines of a CSV text without its header (no cell here holds a line break). */
const bodyLines = (text: string) => text.split('\n').slice(1).filter(Boolean);

/**
 * `export.csv?all_tenants=true`: every tenant and the global view in one streamed answer, on either database
 * (COPY on PostgreSQL, keyset pages on PGlite), the same cells as each scope's own export.
 */
describe('CSV export of every tenant in one request', () => {
  let test: TestApp;
  let exporter: CsvExportService;

  beforeAll(async () => {
    test = await createTestApp();
    // Tenant names a spreadsheet would run as formulas ('-calc', '@sum', '=cmd') next to a number-like one ('-5').
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['acme', 'u1', 'signup', '2025-04-01T10:00:00Z'],
        ['acme', 'u2', 'signup', '2025-04-02T10:00:00Z'],
        ['globex', 'g1', 'signup', '2025-04-01T10:00:00Z'],
        ['-calc', 'x1', 'signup', '2025-04-02T10:00:00Z'],
        ['@sum', 's1', 'signup', '2025-04-03T10:00:00Z'],
        ['=cmd', 'c1', 'signup', '2025-04-01T10:00:00Z'],
        ['-5', 'n1', 'signup', '2025-04-01T10:00:00Z'],
      ],
    });
    await test.app.get(MetricsService).computeRange({ ...RANGE, asOf: AS_OF });
    exporter = test.app.get(CsvExportService);
  }, 120_000);

  afterAll(() => test.close());

  it('streams every tenant in name order, then the global view, each as its own export writes it', async () => {
    const { status, text, headers } = await call(
      test,
      'GET',
      `${PREFIX}/export.csv?start=${RANGE.start}&end=${RANGE.end}&all_tenants=true`,
    );
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('text/csv');
    expect(headers.get('content-disposition')).toBe(
      'attachment; filename="metrics-daily-every-tenant-2025-04-01-to-2025-04-03.csv"',
    );
    // The tenants in the database's own order of names (its collation), then the global view.
    const names = (
      await test.dataSource.query<{ tenant_id: string }[]>(
        `SELECT DISTINCT tenant_id FROM system_metrics_snapshot WHERE tenant_id IS NOT NULL ORDER BY tenant_id`,
      )
    ).map((row) => row.tenant_id);
    expect([...names].sort()).toEqual(['-5', '-calc', '=cmd', '@sum', 'acme', 'globex']);
    const expected: string[] = [];
    for (const tenant of [...names, null]) {
      expected.push(...bodyLines(await textOf(await exporter.open({ ...RANGE, tenant, asOf: AS_OF }))));
    }
    expect(bodyLines(text)).toEqual(expected);

    const rows = parse<Record<string, string>>(text, { columns: true });
    expect(rows).toHaveLength(7 * 3);
    // Formula-like names are quoted, the number-like one stays; the global view's tenant cell is empty.
    const cells = [...new Set(rows.map((row) => row.tenant_id))];
    expect([...cells].sort()).toEqual(['', "'-calc", "'=cmd", "'@sum", '-5', 'acme', 'globex']);
    expect(cells[cells.length - 1]).toBe('');
    const newCustomers = (tenant: string) =>
      rows.filter((row) => row.tenant_id === tenant).map((row) => [row.bucket_date, row.new_customers]);
    expect(newCustomers('acme')).toEqual([
      ['2025-04-01', '1'],
      ['2025-04-02', '1'],
      ['2025-04-03', '0'],
    ]);
    expect(newCustomers("'@sum")).toEqual([
      ['2025-04-01', '0'],
      ['2025-04-02', '0'],
      ['2025-04-03', '1'],
    ]);
    // The global view: 4 sign-ups on the 1st (acme, globex, =cmd, -5), 2 on the 2nd, 1 on the 3rd.
    expect(newCustomers('')).toEqual([
      ['2025-04-01', '4'],
      ['2025-04-02', '2'],
      ['2025-04-03', '1'],
    ]);
    // Every day has ended by AS_OF: complete everywhere.
    expect(new Set(rows.map((row) => row.complete))).toEqual(new Set(['true']));
  });

  it('records the export in the audit trail, with all_tenants among its parameters', async () => {
    const query = `start=${RANGE.start}&end=${RANGE.end}&all_tenants=true&bucket=weekly`;
    expect((await call(test, 'GET', `${PREFIX}/export.csv?${query}`)).status).toBe(200);
    const [record] = await test.dataSource.query<
      { action: string; outcome: number; params: Record<string, unknown> }[]
    >(`SELECT action, outcome, params FROM metrics_audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1`);
    expect(record).toEqual({
      action: 'export',
      outcome: 200,
      params: { start: RANGE.start, end: RANGE.end, all_tenants: 'true', bucket: 'weekly' },
    });
  });

  it('is for admins only, and refuses all_tenants with a tenant or with anything but true or false', async () => {
    const path = `${PREFIX}/export.csv?start=${RANGE.start}&end=${RANGE.end}&all_tenants=true`;
    expect((await call(test, 'GET', path, { token: null })).status).toBe(401);
    expect((await call(test, 'GET', path, { token: test.ingestToken })).status).toBe(403);
    for (const [query, message] of [
      ['all_tenants=true&tenant=acme', 'cannot be combined with tenant'],
      ['all_tenants=yes', 'must be true or false'],
    ]) {
      const { status, body } = await call(test, 'GET', `${PREFIX}/export.csv?start=2025-04-01&end=2025-04-03&${query}`);
      expect(status).toBe(400);
      expect((body as { errors: { field: string; message: string }[] }).errors).toEqual([
        expect.objectContaining({ field: 'all_tenants', message: expect.stringContaining(message) as string }),
      ]);
    }
    // all_tenants=false is the ordinary export of one scope.
    const single = await call(test, 'GET', `${PREFIX}/export.csv?start=2025-04-01&end=2025-04-01&all_tenants=false`);
    expect(single.status).toBe(200);
    expect(bodyLines(single.text)).toHaveLength(1);
  });

  it('pages through more rows than one page holds, keeping each tenant whole and in date order', async () => {
    // 3 synthetic tenants × 900 days (2,700 rows: the JavaScript writer's pages of 2,000 end inside a tenant).
    await test.dataSource.query(
      `INSERT INTO system_metrics_snapshot (bucket_type, bucket_date, tenant_id, environment, new_customers, computed_at)
       SELECT 'daily', DATE '2019-01-01' + d, 'p' || t, 'test', d % 7, TIMESTAMPTZ '2025-01-01T00:00:00Z'
       FROM generate_series(1, 3) AS t, generate_series(0, 899) AS d`,
    );
    const query = { start: '2019-01-01', end: '2021-06-19', allTenants: true, asOf: AS_OF };
    const text = await textOf(await exporter.open(query));
    // On PostgreSQL open() is the COPY: the JavaScript writer must write the same bytes.
    expect(await textOf(exporter.pagedStream(query, '2025-04-10'))).toBe(text);
    const rows = parse<Record<string, string>>(text, { columns: true });
    expect(rows).toHaveLength(2700);
    for (const [index, tenant] of ['p1', 'p2', 'p3'].entries()) {
      const own = rows.slice(index * 900, (index + 1) * 900);
      expect(new Set(own.map((row) => row.tenant_id))).toEqual(new Set([tenant]));
      expect(own[0].bucket_date).toBe('2019-01-01');
      expect(own[899].bucket_date).toBe('2021-06-18');
      expect(own.every((row, day) => row.new_customers === String(day % 7))).toBe(true);
    }
  });
});
