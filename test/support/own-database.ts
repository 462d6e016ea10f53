import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A fresh database on the test server, for an app that cannot be told a schema (the demo's AppModule). */
export function ownDatabase(serverUrl: string, prefix: string) {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    create: () => run(`CREATE DATABASE ${name}`),
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
