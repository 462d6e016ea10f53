/**
 * Read latency under concurrent load: summary and timeseries p50/p99 against a trivial route of the same app,
 * measured in the same run on loopback. `npm run bench:read` (DATABASE_URL for PostgreSQL, else PGlite).
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetricsModule, MetricsRecorder, MetricsService, metricsDataSourceOptions } from '@exec-metrics/metrics';
import { generateDemoEvents } from '../src/demo/demo-data.js';

const CLIENTS = 50;
const REQUESTS_PER_CLIENT = Number(process.env.BENCH_REQUESTS ?? 40);
const TOKEN = 'bench-admin-token';

@Controller('bench')
class TrivialController {
  @Get('ping')
  ping() {
    return { ok: true };
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function load(base: string, paths: () => string): Promise<{ p50: number; p99: number; rps: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let index = 0; index < REQUESTS_PER_CLIENT; index += 1) {
        const begin = performance.now();
        const response = await fetch(`${base}${paths()}`, { headers: { authorization: `Bearer ${TOKEN}` } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${paths()}: ${response.status}`);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), rps: latencies.length / seconds };
}

async function main(): Promise<void> {
  @Module({
    imports: [
      TypeOrmModule.forRoot(
        metricsDataSourceOptions({ databaseUrl: process.env.DATABASE_URL, pgliteDir: 'memory://' }),
      ),
      MetricsModule.forRoot({ environment: 'bench', adminTokens: [TOKEN], rateLimit: false }),
    ],
    controllers: [TrivialController],
  })
  class BenchModule {}

  const app = await NestFactory.create(BenchModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  const end = '2025-12-31';
  const events = generateDemoEvents({ endDate: end, months: 12 });
  const recorder = app.get(MetricsRecorder);
  for (let index = 0; index < events.length; index += 5000)
    await recorder.recordBatch(events.slice(index, index + 5000));
  const backfillStarted = performance.now();
  await app.get(MetricsService).computeRange({ start: '2025-01-01', end });
  const backfillMs = performance.now() - backfillStarted;

  const prefix = '/api/system/metrics';
  let day = 0;
  // Cold: every request a different range, so the cache never answers; warm: the dashboard's repeated query.
  const coldRange = () => {
    day = (day + 1) % 300;
    const start = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
    return `start=${start}&end=${end}`;
  };
  await load(base, () => '/bench/ping'); // warm-up of the HTTP path
  const results = {
    date: new Date().toISOString(),
    database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
    events: events.length,
    clients: CLIENTS,
    requests_per_case: CLIENTS * REQUESTS_PER_CLIENT,
    backfill_one_year_ms: Math.round(backfillMs),
    trivial: await load(base, () => '/bench/ping'),
    summary_warm: await load(base, () => `${prefix}/summary?start=2025-12-01&end=2025-12-31`),
    timeseries_warm: await load(base, () => `${prefix}/timeseries?metric=dau,wau,mau&start=2025-01-01&end=2025-12-31`),
    summary_cold: await load(base, () => `${prefix}/summary?${coldRange()}`),
    timeseries_cold: await load(base, () => `${prefix}/timeseries?metric=dau,wau,mau,mrr&${coldRange()}`),
  };
  await app.close();

  const rows = (['summary_warm', 'timeseries_warm', 'summary_cold', 'timeseries_cold'] as const).map((key) => ({
    case: key,
    p50_ms: results[key].p50.toFixed(1),
    p99_ms: results[key].p99.toFixed(1),
    p99_ratio_vs_trivial: (results[key].p99 / results.trivial.p99).toFixed(2),
    rps: results[key].rps.toFixed(0),
  }));
  console.log(
    `database ${results.database}, ${results.events} events, one-year backfill ${results.backfill_one_year_ms} ms`,
  );
  console.log(`trivial route: p50 ${results.trivial.p50.toFixed(1)} ms, p99 ${results.trivial.p99.toFixed(1)} ms`);
  console.table(rows);
  writeFileSync(`bench/results/read-latency-${results.database}.json`, JSON.stringify({ ...results, rows }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
