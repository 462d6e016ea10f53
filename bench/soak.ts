/**
 * Soak: several minutes of mixed traffic (ingest, reads, exports) on loopback with a bounded request count;
 * prints memory after GC per round, database connections, pool state and p50/p99 per kind of request.
 * `npm run soak` (SOAK_ROUNDS, SOAK_CLIENTS; DATABASE_URL or TEST_DATABASE_URL for PostgreSQL, else PGlite;
 * `node scripts/with-postgres.mjs npm run soak` on a throw-away PostgreSQL).
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { MetricsModule, MetricsService, metricsDataSourceOptions } from '@exec-metrics/metrics';
import { poolState, soak } from './soak-traffic.js';

const ADMIN = 'soak-admin-token';
const INGEST = 'soak-ingest-token';

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  @Module({
    imports: [
      TypeOrmModule.forRoot(metricsDataSourceOptions({ databaseUrl, pgliteDir: 'memory://' })),
      MetricsModule.forRoot({
        environment: 'soak',
        adminTokens: [ADMIN],
        ingestTokens: [INGEST],
        rateLimit: false,
        schedule: { enabled: false },
      }),
    ],
  })
  class SoakModule {}

  const app = await NestFactory.create(SoakModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  const dataSource = app.get(DataSource);
  await app.get(MetricsService).computeRange({ start: '2025-01-01', end: '2025-12-31' });
  const started = performance.now();
  const result = await soak({
    base,
    adminToken: ADMIN,
    ingestToken: INGEST,
    rounds: Number(process.env.SOAK_ROUNDS ?? 150),
    clients: Number(process.env.SOAK_CLIENTS ?? 8),
    sample: () => poolState(dataSource),
  });
  const seconds = Math.round((performance.now() - started) / 1000);
  await app.close();
  const first = result.samples[Math.min(4, result.samples.length - 1)];
  const last = result.samples.at(-1)!;
  console.log(`${result.requests} requests in ${seconds} s on ${databaseUrl ? 'PostgreSQL' : 'PGlite'}`);
  console.table(result.latency_ms);
  console.log(`after warm-up (round ${first.round}):`, first);
  console.log(`at the end (round ${last.round}):`, last);
  console.log(`failures: ${result.failures.length}`, result.failures.slice(0, 5));
  writeFileSync(
    `bench/results/soak-${databaseUrl ? 'postgresql' : 'pglite'}.json`,
    JSON.stringify({ date: new Date().toISOString(), seconds, ...result }, null, 2),
  );
  if (result.failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
