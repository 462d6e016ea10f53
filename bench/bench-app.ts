import 'reflect-metadata';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AddressInfo } from 'node:net';
import { createPgliteDriver, MetricsModule, metricsDataSourceOptions, MetricsService } from '@exec-metrics/metrics';
import { postgresBenchDb, pgliteBenchDb, type BenchDb } from './bench-db.js';

export const BENCH_TOKEN = 'bench-admin-token';
export const BENCH_INGEST_TOKEN = 'bench-ingest-token';

/** The cheapest route of the same app: the baseline for read latency (same HTTP stack, no database). */
@Controller('bench')
class TrivialController {
  @Get('ping')
  ping() {
    return { ok: true };
  }
}

export interface BenchApp {
  app: INestApplication;
  baseUrl: string;
  metrics: MetricsService;
  db: BenchDb;
  close(): Promise<void>;
}

/** The host app booted on the bench database (migrations run on start), listening on loopback. */
export async function startBenchApp(databaseUrl: string | undefined): Promise<BenchApp> {
  const pglite = databaseUrl ? undefined : createPgliteDriver();
  const dataSource = databaseUrl
    ? metricsDataSourceOptions({ databaseUrl })
    : { ...metricsDataSourceOptions({ pgliteDir: 'memory://' }), driver: pglite!.driver };

  @Module({
    imports: [
      TypeOrmModule.forRoot(dataSource),
      MetricsModule.forRoot({
        environment: 'bench',
        adminTokens: [BENCH_TOKEN],
        ingestTokens: [BENCH_INGEST_TOKEN],
        rateLimit: false,
        schedule: { enabled: false },
        maxRangeDays: { daily: 10 * 366 },
      }),
    ],
    controllers: [TrivialController],
  })
  class BenchModule {}

  const app = await NestFactory.create<NestExpressApplication>(BenchModule, { logger: ['error'] });
  app.useBodyParser('json', { limit: '16mb' });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const db = databaseUrl ? await postgresBenchDb(databaseUrl) : pgliteBenchDb(await pglite!.instance());
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    metrics: app.get(MetricsService),
    db,
    async close() {
      await db.close();
      await app.close();
    },
  };
}
