import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication, type LoggerService, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  MetricsModule,
  metricsDataSourceOptions,
  type MetricsModuleExtras,
  type MetricsModuleOptions,
} from '@exec-metrics/metrics';
import { pgliteFromTemplate } from './pglite-template.js';

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  adminToken: string;
  ingestToken: string;
  dataSource: DataSource;
  /** Which database the suite runs on. */
  database: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** A PostgreSQL server to use instead of TEST_DATABASE_URL or PGlite. */
  databaseUrl?: string;
  /** A hot standby of databaseUrl for the dashboard's reads. */
  readReplicaUrl?: string;
  /** Where PGlite keeps its files (default memory://): a directory lets a second app reopen the same database. */
  pgliteDir?: string;
  /** A schema shared by several apps (created by the first, never dropped by any). */
  sharedSchema?: string;
  metrics?: Partial<MetricsModuleOptions> & MetricsModuleExtras;
  /** Host entities and modules (a host with its own tables, auth middleware, …). */
  entities?: Type[];
  imports?: (Type | DynamicModule)[];
  /** Host middleware and the like, applied before the app listens. */
  configure?: (app: NestExpressApplication) => void;
  /** No Nest logging at all (a suite that provokes hundreds of expected 500s). */
  quiet?: boolean;
  /** A logger of the test's own, to read what the app logged. */
  logger?: LoggerService;
  /** SQL run once the schema exists, before the module starts (host tables for the `sources` option). */
  setupSql?: string[];
}

/** A fresh schema per app on a shared PostgreSQL server, so test files never see each other's rows. */
async function createSchema(url: string): Promise<string> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  return schema;
}

async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.end();
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

/** The host's TypeORM module; its setup SQL runs once migrated, before the metrics module starts (and checks `sources`). */
function hostDatabase(dataSourceOptions: DataSourceOptions, setupSql: string[] = []): DynamicModule {
  if (setupSql.length === 0) return TypeOrmModule.forRoot(dataSourceOptions);
  return TypeOrmModule.forRootAsync({
    useFactory: () => dataSourceOptions,
    dataSourceFactory: async () => {
      const dataSource = await new DataSource(dataSourceOptions).initialize();
      for (const statement of setupSql) await dataSource.query(statement);
      return dataSource;
    },
  });
}

/**
 * Boots the real Nest app with the metrics module on a real HTTP server (loopback, random port), on PGlite in
 * memory or, when TEST_DATABASE_URL is set, on that PostgreSQL server in a schema of its own.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const url = options.databaseUrl ?? process.env.TEST_DATABASE_URL;
  const ownSchema = url && !options.sharedSchema ? await createSchema(url) : undefined;
  if (url && options.sharedSchema) await ensureSchema(url, options.sharedSchema);
  const schema = options.sharedSchema ?? ownSchema;
  const adminToken = `admin-${randomBytes(12).toString('hex')}`;
  const ingestToken = `ingest-${randomBytes(12).toString('hex')}`;

  const pgliteDir = options.pgliteDir ?? 'memory://';
  const dataSourceOptions = metricsDataSourceOptions({
    databaseUrl: url,
    readReplicaUrl: options.readReplicaUrl,
    schema,
    pgliteDir,
    entities: options.entities,
  });

  @Module({
    imports: [
      hostDatabase(
        !url && pgliteDir === 'memory://' ? await pgliteFromTemplate(dataSourceOptions) : dataSourceOptions,
        options.setupSql,
      ),
      MetricsModule.forRoot({
        environment: 'test',
        adminTokens: [adminToken],
        ingestTokens: [ingestToken],
        schedule: { enabled: false },
        ...options.metrics,
      }),
      ...(options.imports ?? []),
    ],
  })
  class TestHostModule {}

  const app = await NestFactory.create<NestExpressApplication>(TestHostModule, {
    rawBody: true,
    logger: options.logger ?? (options.quiet ? false : process.env.TEST_LOG ? ['error', 'warn', 'log'] : ['error']),
  });
  // A full batch of 10,000 events is a few MB of JSON: above Express's 100 kB default.
  app.useBodyParser('json', { limit: '16mb' });
  options.configure?.(app);
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    // A module that refuses to start (a bad `sources` relation): nothing is left open, and the error is the test's.
    await app.close().catch(() => undefined);
    if (url && ownSchema) await dropSchema(url, ownSchema);
    throw error;
  }
  // The tests' client keeps connections alive between requests that may be seconds apart (a table digest on a
  // loaded machine). If the server closed an idle connection first (Node's default: 5 s), the next request could
  // go out on it as it closes and fail with ECONNRESET. Waiting 50 s (below the 60 s headers timeout), the server
  // leaves closing idle connections to the client (undici: the server's hint less 1 s).
  app.getHttpServer().keepAliveTimeout = 50_000;
  const { port } = app.getHttpServer().address() as AddressInfo;
  const dataSource = app.get(DataSource);

  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    adminToken,
    ingestToken,
    dataSource,
    database: url ? 'postgres' : 'pglite',
    async close() {
      await app.close();
      if (url && ownSchema) await dropSchema(url, ownSchema);
    },
  };
}

function isConnectionReset(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return error instanceof TypeError && ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(String(cause?.code));
}

/** fetch()'s own message is only "fetch failed": name the cause (its code and message) in the test's failure. */
function withCause(error: unknown): unknown {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (!(error instanceof TypeError) || !cause) return error;
  return new Error(`${error.message}: ${cause.code ?? ''} ${cause.message ?? ''}`.trim(), { cause });
}

/** fetch() against the app with a bearer token and JSON. */
export async function call(
  test: TestApp,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const token = options.token === undefined ? test.adminToken : options.token;
  const send = () =>
    fetch(`${test.baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(options.body !== undefined || options.rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
  let response: Response;
  try {
    response = await send();
  } catch (error) {
    // A kept-alive connection that the server closes (idle timeout) just as the next request goes out on it fails
    // with ECONNRESET before the request reached the app: send once more, on a new connection. A server that
    // really resets the request fails the second time too.
    if (!isConnectionReset(error)) throw withCause(error);
    response = await send().catch((second: unknown) => {
      throw withCause(second);
    });
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (CSV, HTML): the text is the body
  }
  return { status: response.status, body, text, headers: response.headers };
}
