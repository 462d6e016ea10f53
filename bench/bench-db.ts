import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * The bench's own connection to the database the app uses: bulk loads with COPY and the baselines
 * (aggregate scans, COPY TO STDOUT) run here, outside the module, so they measure the database alone.
 */
export interface BenchDb {
  kind: 'postgresql' | 'pglite';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** COPY text-format lines (tab-separated, \N for null) into a table; returns the rows written. */
  copyIn(table: string, columns: string[], lines: Iterable<string>): Promise<number>;
  /** COPY (query) TO STDOUT, the bytes read and thrown away: the database's own export speed. */
  copyOut(sql: string): Promise<{ bytes: number }>;
  close(): Promise<void>;
}

/** Lines grouped into chunks of ~1 MB, so a stream write is not a call per row. */
function* chunked(lines: Iterable<string>, counter: { rows: number }): Generator<string> {
  let buffer: string[] = [];
  let size = 0;
  for (const line of lines) {
    buffer.push(line);
    size += line.length;
    counter.rows += 1;
    if (size >= 1 << 20) {
      yield buffer.join('');
      buffer = [];
      size = 0;
    }
  }
  if (buffer.length > 0) yield buffer.join('');
}

export async function postgresBenchDb(url: string): Promise<BenchDb> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    kind: 'postgresql',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
    async copyIn(table, columns, lines) {
      const counter = { rows: 0 };
      const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
      await pipeline(Readable.from(chunked(lines, counter)), stream);
      return counter.rows;
    },
    async copyOut(sql) {
      let bytes = 0;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done();
        },
      });
      await pipeline(client.query(copyTo(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER)`)), sink);
      return { bytes };
    },
    async close() {
      await client.end();
    },
  };
}

/** PGlite's COPY goes through a blob: the whole load is one in-memory file (fine at the small scales it runs). */
export function pgliteBenchDb(db: PGlite): BenchDb {
  return {
    kind: 'pglite',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
    async copyIn(table, columns, lines) {
      const counter = { rows: 0 };
      const text = [...chunked(lines, counter)].join('');
      await db.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([text]) });
      return counter.rows;
    },
    async copyOut(sql) {
      const result = await db.query(`COPY (${sql}) TO '/dev/blob' WITH (FORMAT csv, HEADER)`);
      return { bytes: result.blob?.size ?? 0 };
    },
    async close() {
      // The app owns the PGlite instance and closes it.
    },
  };
}
