import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { inlineSql } from './named-sql.js';
import { obtainReadConnection } from './read-replica.js';
import type { Statement } from './statement.js';

/** What a COPY asks of a `pg` client: a COPY stream and safe literals (COPY takes no bind parameters). */
interface CopyClient {
  escapeLiteral(value: string): string;
  query(copy: ReturnType<typeof copyTo>): Readable;
}

/** A `pg` client (COPY streams need its protocol connection); PGlite's session is not one. */
function isCopyClient(client: unknown): client is CopyClient {
  const candidate = client as { escapeLiteral?: unknown; connection?: unknown } | null;
  return typeof candidate?.escapeLiteral === 'function' && typeof candidate.connection === 'object';
}

/**
 * Runs a `COPY (…) TO STDOUT` statement on a read connection and streams its output with back-pressure (the
 * reader's pace paces the server). Its named parameters are written as literals quoted by the driver. Resolves
 * once the connection is held, so an outage fails before any byte is read; resolves null on PGlite, which has no
 * COPY to a client. The connection goes back to the pool when the COPY has ended; a COPY cut short (reader gone,
 * error) takes its connection with it.
 */
export async function copyOut(dataSource: DataSource, statement: Statement): Promise<Readable | null> {
  const [client, release] = await obtainReadConnection(dataSource);
  if (!isCopyClient(client)) {
    release();
    return null;
  }
  let stream: Readable;
  try {
    stream = client.query(copyTo(inlineSql(statement.sql, statement.params, (value) => client.escapeLiteral(value))));
  } catch (error) {
    release(error as Error);
    throw error;
  }
  let held = true;
  const done = (error?: Error) => {
    if (!held) return;
    held = false;
    release(error);
  };
  stream.once('end', () => done());
  stream.once('error', (error: Error) => done(error));
  stream.once('close', () => done(stream.readableEnded ? undefined : new Error('COPY stopped before its end')));
  return stream;
}
