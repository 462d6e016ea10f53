/**
 * The audit trail's hash chain at volume: appends AUDIT_RECORDS records (default 10,000,000) through the real
 * trigger (which chains each under its advisory lock), in batches of one INSERT … SELECT each, spread evenly over
 * the last AUDIT_MONTHS months (default 24) of the table's monthly partitions (created first, as the daily job
 * would have), then times `AuditService.verify()` over the whole chain, across the partitions. `npm run bench:audit` (DATABASE_URL or TEST_DATABASE_URL for
 * PostgreSQL, else PGlite; `node scripts/with-postgres.mjs npm run bench:audit` on a throw-away PostgreSQL).
 * Results in bench/results/audit-chain-<database>-<records>.json.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import {
  AuditPartitionsService,
  AuditService,
  MetricsModule,
  metricsDataSourceOptions,
} from '../libs/metrics/src/index.js';

const BATCH = 50_000;

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const records = Number(process.env.AUDIT_RECORDS ?? 10_000_000);
  const months = Number(process.env.AUDIT_MONTHS ?? 24);
  @Module({
    imports: [
      TypeOrmModule.forRoot(metricsDataSourceOptions({ databaseUrl, pgliteDir: 'memory://' })),
      MetricsModule.forRoot({ environment: 'bench', rateLimit: false, schedule: { enabled: false } }),
    ],
  })
  class AuditBenchModule {}

  const app = await NestFactory.createApplicationContext(AuditBenchModule, { logger: ['error', 'warn'] });
  const dataSource = app.get(DataSource);
  // Each ensure creates its month and the three after it: from the first month of the span to today's.
  const now = new Date();
  for (let back = months; back >= 0; back -= 1) {
    await app.get(AuditPartitionsService).ensure(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)));
  }
  const spanSeconds = (now.getTime() - Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months + 1, 1)) / 1000;
  const appendStarted = performance.now();
  for (let done = 0; done < records; done += BATCH) {
    const count = Math.min(BATCH, records - done);
    // What an admin's reads look like: a route, its parameters, an IP, an outcome.
    await dataSource.query(
      `INSERT INTO metrics_audit_log (at, actor, actor_kind, ip, method, route, action, params, outcome)
       SELECT now() - make_interval(secs => ($1 - g) * $4::float8 / $1), 'admin@example.com', 'user', '203.0.113.7', 'GET',
              '/api/system/metrics/summary', 'read',
              jsonb_build_object('start', '2025-01-01', 'end', '2025-12-31', 'tenant', 'tenant-' || (g % 50)), 200
       FROM generate_series($2::int + 1, $2::int + $3::int) g`,
      [records, done, count, spanSeconds],
    );
    process.stdout.write(`\rappended ${done + count}/${records}`);
  }
  const appendSeconds = (performance.now() - appendStarted) / 1000;
  process.stdout.write('\n');
  const verifyStarted = performance.now();
  const report = await app.get(AuditService).verify();
  const verifySeconds = (performance.now() - verifyStarted) / 1000;
  // A partitioned parent has no storage of its own (its size is 0): the table is the sum of its partitions.
  const [{ size, partitions, in_default }] = await dataSource.query<
    { size: string; partitions: number; in_default: number }[]
  >(
    `SELECT sum(pg_total_relation_size(inhrelid))::bigint AS size, count(*)::int AS partitions,
            (SELECT count(*)::int FROM metrics_audit_log_default) AS in_default
     FROM pg_inherits WHERE inhparent = 'metrics_audit_log'::regclass`,
  );
  const result = {
    database: databaseUrl ? 'postgresql' : 'pglite',
    records: report.records,
    chain_ok: report.ok,
    append_seconds: Math.round(appendSeconds),
    append_records_per_second: Math.round(records / appendSeconds),
    verify_seconds: Math.round(verifySeconds * 10) / 10,
    verify_records_per_second: Math.round(report.records / verifySeconds),
    table_bytes: Number(size),
    months,
    partitions,
    records_in_default_partition: in_default,
    measured_at: new Date().toISOString(),
  };
  console.log(JSON.stringify(result, null, 2));
  writeFileSync(`bench/results/audit-chain-${result.database}-${records}.json`, `${JSON.stringify(result, null, 2)}\n`);
  await app.close();
  if (!report.ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
