import { Module } from '@nestjs/common';
import { AuditArchiveRefused, AuditPartitionsService, AuditService, runMetricsCli } from '@exec-metrics/metrics';
import { tableDigest } from './support/table-digest.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

/** A record written at a chosen instant, through the chain trigger like any other. */
const RECORD_AT = (at: string, route: string) =>
  `INSERT INTO metrics_audit_log (at, actor, actor_kind, method, route, action, outcome)
   VALUES ('${at}', 'cli:tester', 'cli', 'CLI', '${route}', 'read', 0)`;

describe('the audit trail partitioned by month', () => {
  let test: TestApp;
  let audit: AuditService;
  let partitions: AuditPartitionsService;

  beforeAll(async () => {
    test = await createTestApp();
    audit = test.app.get(AuditService);
    partitions = test.app.get(AuditPartitionsService);
  });

  afterAll(() => test.close());

  /** Undoes the migrations that came after the audit partitions, then the partitions' own (newest first). */
  const undoAuditPartitions = async () => {
    for (;;) {
      const [last] = await test.dataSource.query<{ name: string }[]>(
        'SELECT name FROM migrations ORDER BY id DESC LIMIT 1',
      );
      await test.dataSource.undoLastMigration();
      if (last.name === 'AuditPartitions1765180800000') return;
    }
  };
  const chain = () =>
    test.dataSource.query<{ id: string; hash: string; prev_hash: string | null }[]>(
      'SELECT id::text AS id, hash, prev_hash FROM metrics_audit_log ORDER BY id',
    );
  /**
   * The chain checked without the module's statement (which reads the archive anchors of the partitioned
   * schema): every record matches its hash and links to the record before it. Runs on either schema.
   */
  const chainHolds = async () => {
    const rows = await test.dataSource.query<{ id: string; prev_hash: string | null; hash: string; intact: boolean }[]>(
      `SELECT id::text AS id, prev_hash, hash, hash = metrics_audit_record_hash(prev_hash, a) AS intact
       FROM metrics_audit_log a ORDER BY id`,
    );
    return (
      rows.length > 0 && rows.every((row, index) => row.intact && row.prev_hash === (rows[index - 1]?.hash ?? null))
    );
  };
  /** Where each record is stored: route → partition table. */
  const placement = async () =>
    Object.fromEntries(
      (
        await test.dataSource.query<{ route: string; part: string }[]>(
          `SELECT route, tableoid::regclass::text AS part FROM metrics_audit_log WHERE actor = 'cli:tester' ORDER BY id`,
        )
      ).map((row) => [row.route, row.part]),
    );
  const isPartitioned = async () =>
    (
      await test.dataSource.query<{ kind: string }[]>(
        `SELECT relkind::text AS kind FROM pg_class WHERE oid = 'metrics_audit_log'::regclass`,
      )
    )[0].kind === 'p';
  /** Runs SQL with the append-only trigger paused on every partition, as the table's owner could. */
  const behindTheTrigger = async (sql: string) => {
    await test.dataSource.query('ALTER TABLE metrics_audit_log DISABLE TRIGGER metrics_audit_log_append_only');
    try {
      await test.dataSource.query(sql);
    } finally {
      await test.dataSource.query('ALTER TABLE metrics_audit_log ENABLE TRIGGER metrics_audit_log_append_only');
    }
  };

  it('migrates an existing trail into monthly partitions with the chain unchanged, and back', async () => {
    expect(await isPartitioned()).toBe(true);
    await undoAuditPartitions();
    expect(await isPartitioned()).toBe(false);

    // A trail written on the single table: months long past, and today through the app.
    await test.dataSource.query(RECORD_AT('2025-03-14T10:00:00Z', 'march'));
    await test.dataSource.query(RECORD_AT('2025-05-31T23:59:59.999999Z', 'may'));
    await call(test, 'GET', `${PREFIX}/catalog`);
    await test.dataSource.query(RECORD_AT(new Date().toISOString(), 'today'));
    expect(await chainHolds()).toBe(true);
    const rowsBefore = await chain();

    await test.dataSource.runMigrations();
    expect(await isPartitioned()).toBe(true);
    expect(await chainHolds()).toBe(true);
    expect(await audit.verify()).toEqual({
      ok: true,
      records: rowsBefore.length,
      head: rowsBefore.at(-1)?.hash,
      first_broken: null,
    });
    expect(await chain()).toEqual(rowsBefore);
    const thisMonth = new Date().toISOString().slice(0, 7).replace('-', '_');
    expect(await placement()).toEqual({
      march: 'metrics_audit_log_2025_03',
      may: 'metrics_audit_log_2025_05',
      today: `metrics_audit_log_${thisMonth}`,
    });

    // down keeps it too, and up again.
    await undoAuditPartitions();
    expect(await isPartitioned()).toBe(false);
    expect(await chain()).toEqual(rowsBefore);
    expect(await chainHolds()).toBe(true);
    await test.dataSource.runMigrations();
    expect(await chain()).toEqual(rowsBefore);

    // New records chain on across partitions, and the table still refuses changes.
    await test.dataSource.query(RECORD_AT('2025-04-02T08:00:00Z', 'april, written after today'));
    const rows = await chain();
    expect(rows.at(-1)?.prev_hash).toBe(rows.at(-2)?.hash);
    expect(await audit.verify()).toMatchObject({ ok: true, records: rowsBefore.length + 1 });
    await expect(test.dataSource.query(`UPDATE metrics_audit_log SET outcome = 1`)).rejects.toThrow(/append-only/);
    await expect(test.dataSource.query(`DELETE FROM metrics_audit_log`)).rejects.toThrow(/append-only/);
  });

  it('chains several records of one transaction, a rolled-back savepoint included', async () => {
    await test.dataSource.transaction(async (manager) => {
      await manager.query(RECORD_AT('2025-05-02T00:00:00Z', 'in a transaction 1'));
      await manager.query('SAVEPOINT undone');
      await manager.query(RECORD_AT(new Date().toISOString(), 'rolled back'));
      await manager.query('ROLLBACK TO SAVEPOINT undone');
      await manager.query(RECORD_AT(new Date().toISOString(), 'in a transaction 2'));
    });
    const rows = await test.dataSource.query<{ route: string; hash: string; prev_hash: string; before: string }[]>(
      `SELECT route, hash, prev_hash, lag(hash) OVER (ORDER BY id) AS before FROM metrics_audit_log ORDER BY id`,
    );
    const [first, second] = ['in a transaction 1', 'in a transaction 2'].map((route) =>
      rows.find((row) => row.route === route),
    );
    expect(first?.prev_hash).toBe(first?.before);
    expect(second?.prev_hash).toBe(first?.hash);
    expect(second?.before).toBe(first?.hash);
    expect(await audit.verify()).toMatchObject({ ok: true, first_broken: null });
    expect(Object.keys(await placement())).not.toContain('rolled back');
  });

  it('catches a record changed in an old partition, at that record', async () => {
    const [march] = await test.dataSource.query<{ id: string }[]>(
      `SELECT id::text AS id FROM metrics_audit_log_2025_03 WHERE route = 'march'`,
    );
    await behindTheTrigger(`UPDATE metrics_audit_log SET outcome = 500 WHERE id = ${march.id}`);
    const report = (await call(test, 'GET', `${PREFIX}/audit/verify`)).body as Awaited<
      ReturnType<AuditService['verify']>
    >;
    expect(report.ok).toBe(false);
    expect(report.first_broken).toEqual({ id: march.id, reason: expect.stringMatching(/changed/) as string });
    await behindTheTrigger(`UPDATE metrics_audit_log SET outcome = 0 WHERE id = ${march.id}`);
    expect(await audit.verify()).toMatchObject({ ok: true });
  });

  it('creates months ahead, once, and moves a missing month out of DEFAULT with its chain', async () => {
    const now = new Date('2031-05-20T12:00:00Z');
    // A record of a month that has no partition yet lands in DEFAULT: the write does not fail.
    await test.dataSource.query(RECORD_AT('2031-06-03T00:00:00Z', 'june 2031'));
    expect((await placement())['june 2031']).toBe('metrics_audit_log_default');
    const head = (await audit.verify()).head;

    // Two instances at once: one creates, the other finds the months there.
    const [first, second] = await Promise.all([partitions.ensure(now), partitions.ensure(now)]);
    const created = [...first.created, ...second.created].sort();
    expect(created).toEqual(['2031-05', '2031-06', '2031-07', '2031-08']);
    expect([...first.moved, ...second.moved]).toEqual(['2031-06']);
    expect((await placement())['june 2031']).toBe('metrics_audit_log_2031_06');
    expect(await audit.verify()).toMatchObject({ ok: true, head });
    expect(await partitions.ensure(now)).toEqual({ created: [], moved: [], skipped: [] });
    // The DEFAULT partition refuses changes again after the move.
    await test.dataSource.query(RECORD_AT('2040-01-01T00:00:00Z', 'far'));
    await expect(test.dataSource.query(`DELETE FROM metrics_audit_log_default`)).rejects.toThrow(/append-only/);
  });

  it('archives old months by detaching them, and verifies the rest from the anchor', async () => {
    const [march] = await test.dataSource.query<{ hash: string }[]>(
      `SELECT hash FROM metrics_audit_log WHERE route = 'march'`,
    );
    const records = (await audit.verify()).records;
    const archived = await partitions.archiveBefore('2025-04', 'test');
    expect(archived).toEqual({ tables: ['metrics_audit_log_2025_03'], records: 1, anchor: march.hash });
    expect(await audit.verify()).toMatchObject({ ok: true, records: records - 1 });
    // The detached month is an ordinary table until the operator has dumped and dropped it.
    expect(await test.dataSource.query(`SELECT route FROM metrics_audit_log_2025_03`)).toEqual([{ route: 'march' }]);
    await test.dataSource.query(`DROP TABLE metrics_audit_log_2025_03`);
    expect(await audit.verify()).toMatchObject({ ok: true, records: records - 1 });

    // April holds a record written after today's: archiving it alone would cut the chain, so it is refused
    // and nothing changes.
    const digest = await tableDigest(test.dataSource);
    await expect(partitions.archiveBefore('2025-06', 'test')).rejects.toThrow(AuditArchiveRefused);
    expect(await tableDigest(test.dataSource)).toEqual(digest);
    expect((await placement())['april, written after today']).toBe('metrics_audit_log_2025_04');
    await expect(partitions.archiveBefore('2999-01', 'test')).rejects.toThrow(/current month/);

    // Removing the first record that stays is caught against the anchor.
    const [may] = await test.dataSource.query<{ id: string }[]>(
      `SELECT id::text AS id FROM metrics_audit_log WHERE route = 'may'`,
    );
    await behindTheTrigger(`DELETE FROM metrics_audit_log WHERE id = ${may.id}`);
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.first_broken?.reason).toMatch(/first record points to a predecessor that is missing/);

    // The command line names a wrong month before it connects to anything.
    @Module({})
    class NoHost {}
    const errors: string[] = [];
    const consoleError = console.error;
    console.error = (line: string) => void errors.push(line);
    try {
      expect(await runMetricsCli(NoHost, { argv: ['audit', 'archive', '--before', '2025-13'] })).toBe(2);
      expect(await runMetricsCli(NoHost, { argv: ['audit', 'archive'] })).toBe(2);
    } finally {
      console.error = consoleError;
    }
    expect(errors.join('\n')).toMatch(/--before must be a month as YYYY-MM/);

    // With months archived, the migration refuses to go back to one table.
    await expect(undoAuditPartitions()).rejects.toThrow(/archived/);
    expect(await isPartitioned()).toBe(true);
    await test.dataSource.runMigrations(); // the later migrations undone on the way, back
  });

  it('digests a partitioned table through its parent, so a changed row in a partition shows', async () => {
    await test.dataSource.query(`CREATE TABLE digest_probe (at date NOT NULL, value int) PARTITION BY RANGE (at)`);
    await test.dataSource.query(
      `CREATE TABLE digest_probe_2026 PARTITION OF digest_probe FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`,
    );
    await test.dataSource.query(`INSERT INTO digest_probe VALUES ('2026-02-01', 1), ('2026-03-01', 2)`);
    const before = await tableDigest(test.dataSource);
    expect(Object.keys(before)).toContain('digest_probe');
    expect(
      Object.keys(before).filter((name) => name.startsWith('digest_probe_') || name.startsWith('metrics_audit_log_')),
    ).toEqual([]);
    await test.dataSource.query(`UPDATE digest_probe_2026 SET value = 3 WHERE value = 2`);
    const after = await tableDigest(test.dataSource);
    expect(after.digest_probe).not.toEqual(before.digest_probe);
    expect({ ...after, digest_probe: before.digest_probe }).toEqual(before);
  });
});
