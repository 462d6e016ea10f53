import type { EntityManager } from 'typeorm';
import { createTestApp, type TestApp } from './support/test-app.js';
import { withIndexesBuiltAfter } from '../libs/metrics/src/database/indexes-built-after.js';

/**
 * A bulk write with the indexes built after it (database/indexes-built-after.ts): the table ends with the same
 * indexes and constraints as it began, each one built again (a new index) and enforced; on a hash-partitioned table
 * on every partition; a failed write leaves everything as it was; a role that does not own the table writes with the
 * indexes in place.
 */
describe('indexes built after a bulk write', () => {
  let test: TestApp;

  /** The table's indexes and constraints as the catalog defines them, and the indexes' own ids. */
  const indexesOf = async (manager: EntityManager | TestApp['dataSource'], table: string) => {
    const rows = await manager.query<{ name: string; definition: string; constraint: string | null; id: string }[]>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition,
              (SELECT pg_get_constraintdef(con.oid) FROM pg_constraint con WHERE con.conindid = i.indexrelid
                 AND con.conrelid = i.indrelid) AS constraint, i.indexrelid::int::text AS id
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass ORDER BY 1`,
      [table],
    );
    return {
      definitions: rows.map(({ name, definition, constraint }) => ({ name, definition, constraint })),
      ids: rows.map((row) => row.id),
    };
  };

  const write = (manager: EntityManager, table: string, rows: string) =>
    withIndexesBuiltAfter(
      (sql, values) => manager.query(sql, values),
      table,
      () => manager.query(`INSERT INTO ${table} (tenant_id, user_id, day, note) VALUES ${rows}`),
    );

  const create = (table: string, partitioned = false) =>
    test.dataSource.query(`
      CREATE TABLE ${table} (
        tenant_id varchar, user_id varchar NOT NULL, day date NOT NULL, note text,
        CONSTRAINT ${table}_key UNIQUE NULLS NOT DISTINCT (tenant_id, user_id, day)
      )${partitioned ? ' PARTITION BY HASH (tenant_id)' : ''}`);

  beforeAll(async () => {
    test = await createTestApp();
  });

  afterAll(() => test.close());

  it('builds the same indexes and constraints again, each enforced', async () => {
    await create('bulk_plain');
    await test.dataSource.query('CREATE INDEX bulk_plain_by_day ON bulk_plain (day) INCLUDE (tenant_id, note)');
    const before = await indexesOf(test.dataSource, 'bulk_plain');
    expect(before.definitions).toHaveLength(2);

    await test.dataSource.transaction((manager) =>
      write(manager, 'bulk_plain', `('a', 'u1', '2026-01-01', 'x'), (NULL, 'u1', '2026-01-01', 'y')`),
    );

    const after = await indexesOf(test.dataSource, 'bulk_plain');
    expect(after.definitions).toEqual(before.definitions);
    for (const id of after.ids) expect(before.ids).not.toContain(id);
    await expect(
      test.dataSource.query(`INSERT INTO bulk_plain (tenant_id, user_id, day) VALUES (NULL, 'u1', '2026-01-01')`),
    ).rejects.toThrow(/bulk_plain_key/);
    expect(await test.dataSource.query(`SELECT count(*)::int AS rows FROM bulk_plain`)).toEqual([{ rows: 2 }]);
  });

  it('a failed write leaves the rows and the indexes as they were', async () => {
    const before = await indexesOf(test.dataSource, 'bulk_plain');
    await expect(
      test.dataSource.transaction((manager) =>
        // Two equal keys: the constraint built again after the write refuses them, and everything rolls back.
        write(manager, 'bulk_plain', `('b', 'u2', '2026-01-02', 'x'), ('b', 'u2', '2026-01-02', 'y')`),
      ),
    ).rejects.toThrow();
    expect(await indexesOf(test.dataSource, 'bulk_plain')).toEqual(before);
    expect(await test.dataSource.query(`SELECT count(*)::int AS rows FROM bulk_plain`)).toEqual([{ rows: 2 }]);
  });

  it('on a hash-partitioned table, builds the parent index on every partition again', async () => {
    await create('bulk_parts', true);
    for (const remainder of [0, 1]) {
      await test.dataSource.query(
        `CREATE TABLE bulk_parts_${remainder} PARTITION OF bulk_parts FOR VALUES WITH (MODULUS 2, REMAINDER ${remainder})`,
      );
    }
    await test.dataSource.query('CREATE INDEX bulk_parts_by_day ON bulk_parts (day)');
    const parent = await indexesOf(test.dataSource, 'bulk_parts');
    const partitions = [
      await indexesOf(test.dataSource, 'bulk_parts_0'),
      await indexesOf(test.dataSource, 'bulk_parts_1'),
    ];

    await test.dataSource.transaction((manager) =>
      write(
        manager,
        'bulk_parts',
        `('a', 'u1', '2026-01-01', 'x'), ('b', 'u1', '2026-01-01', 'y'), (NULL, 'u3', '2026-01-03', 'z')`,
      ),
    );

    expect((await indexesOf(test.dataSource, 'bulk_parts')).definitions).toEqual(parent.definitions);
    for (const [index, partition] of ['bulk_parts_0', 'bulk_parts_1'].entries()) {
      const after = await indexesOf(test.dataSource, partition);
      // Each partition again has an index for the key and one for the day, built anew (names chosen by PostgreSQL).
      expect(after.definitions.map(({ definition }) => definition.replace(/INDEX \S+ ON/, 'INDEX ON'))).toEqual(
        partitions[index].definitions.map(({ definition }) => definition.replace(/INDEX \S+ ON/, 'INDEX ON')),
      );
      for (const id of after.ids) expect(partitions[index].ids).not.toContain(id);
    }
    await expect(
      test.dataSource.query(`INSERT INTO bulk_parts (tenant_id, user_id, day) VALUES ('b', 'u1', '2026-01-01')`),
    ).rejects.toThrow(/duplicate key/);
  });

  it('a role that does not own the table writes with the indexes in place', async () => {
    await test.dataSource.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bulk_writer_only') THEN CREATE ROLE bulk_writer_only; END IF;
    END $$`);
    await test.dataSource.query(`GRANT USAGE ON SCHEMA ${await currentSchema()} TO bulk_writer_only`);
    await test.dataSource.query('GRANT SELECT, INSERT ON bulk_plain TO bulk_writer_only');
    const before = await indexesOf(test.dataSource, 'bulk_plain');

    await test.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL ROLE bulk_writer_only');
      await write(manager, 'bulk_plain', `('c', 'u4', '2026-01-04', 'x')`);
    });

    expect(await indexesOf(test.dataSource, 'bulk_plain')).toEqual(before);
    expect(await test.dataSource.query(`SELECT count(*)::int AS rows FROM bulk_plain`)).toEqual([{ rows: 3 }]);
  });

  const currentSchema = async () =>
    (await test.dataSource.query<{ schema: string }[]>('SELECT quote_ident(current_schema()) AS schema'))[0].schema;
});
