/**
 * The API metrics interceptor's overhead: one app, the same trivial route twice — once plain, once with
 * MetricsApiInterceptor (applied per controller) — loaded in alternating rounds on loopback, so both see the same
 * machine state. Reports p50/p99 of each and their ratio (goal: under 5% at p50), plus the cost of counting one
 * request in memory. `npm run bench:interceptor` (DATABASE_URL for PostgreSQL, else PGlite in memory).
 */
import 'reflect-metadata';
import {
  type CallHandler,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  type MiddlewareConsumer,
  Module,
  type NestInterceptor,
  type NestModule,
  UseInterceptors,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import {
  ApiRequestCollector,
  MetricsApiInterceptor,
  MetricsApiMiddleware,
  MetricsModule,
  metricsDataSourceOptions,
} from '@exec-metrics/metrics';

/** Sequential requests (service time alone) and concurrent ones (with queueing). */
const CLIENT_COUNTS = (process.env.BENCH_CLIENTS ?? '1,16').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const REQUESTS_PER_ROUND = Number(process.env.BENCH_REQUESTS ?? 500);
const VARIANTS = ['plain', 'counted', 'noop', 'middleware'] as const;
type Variant = (typeof VARIANTS)[number];

@Controller('plain')
class PlainController {
  @Get('ping/:id')
  ping() {
    return { ok: true };
  }
}

@Controller('counted')
@UseInterceptors(MetricsApiInterceptor)
class CountedController {
  @Get('ping/:id')
  ping() {
    return { ok: true };
  }
}

/** An interceptor that does nothing: what Nest's interceptor pipeline costs by itself (diagnostic). */
@Injectable()
class NoopInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}

@Controller('noop')
@UseInterceptors(NoopInterceptor)
class NoopController {
  @Get('ping/:id')
  ping() {
    return { ok: true };
  }
}

@Controller('middleware')
class MiddlewareController {
  @Get('ping/:id')
  ping() {
    return { ok: true };
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function load(base: string, path: string, count: number, clients: number, into: number[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const id = next;
        next += 1;
        const begin = performance.now();
        const response = await fetch(`${base}${path}/${id}`, { headers: { 'x-tenant-id': `t${id % 3}` } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
        into.push(performance.now() - begin);
      }
    }),
  );
}

function stats(latencies: number[]): { p50: number; p99: number; requests: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), requests: sorted.length };
}

async function main(): Promise<void> {
  @Module({
    imports: [
      TypeOrmModule.forRoot(
        metricsDataSourceOptions({ databaseUrl: process.env.DATABASE_URL, pgliteDir: 'memory://' }),
      ),
      MetricsModule.forRoot({ environment: 'bench', rateLimit: false, schedule: { enabled: false } }),
    ],
    controllers: [PlainController, NoopController, CountedController, MiddlewareController],
  })
  class BenchModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(MetricsApiMiddleware).forRoutes(MiddlewareController);
    }
  }

  const app = await NestFactory.create(BenchModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;

  // Warm-up of every path (JIT, sockets), not measured.
  for (const variant of VARIANTS) await load(base, `/${variant}/ping`, 1000, 8, []);

  const runs: Record<string, Record<Variant, number[]>> = {};
  for (const clients of CLIENT_COUNTS) {
    const into: Record<Variant, number[]> = { plain: [], counted: [], noop: [], middleware: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      // Short rounds, rotating which goes first, so all variants see the same (shared, noisy) machine.
      for (let step = 0; step < VARIANTS.length; step += 1) {
        const variant = VARIANTS[(round + step) % VARIANTS.length];
        await load(base, `/${variant}/ping`, REQUESTS_PER_ROUND, clients, into[variant]);
      }
    }
    runs[`clients_${clients}`] = into;
  }
  const collector = app.get(ApiRequestCollector);
  await collector.flush();
  // Every counted request (warm-up included) reached the table: nothing was lost under load.
  const [{ stored }] = await app
    .get(DataSource)
    .query<{ stored: number }[]>(`SELECT sum(requests)::int AS stored FROM metrics_api_request_rollup`);

  // The in-memory cost of counting one request (what the interceptor adds besides rxjs plumbing): a numbered
  // route, as the interceptor counts it.
  const samples = 1_000_000;
  const tenants = ['t0', 't1', 't2'];
  const route = collector.routeId('GET /bench/:id');
  const started = performance.now();
  for (let index = 0; index < samples; index += 1) {
    collector.count(tenants[index % 3], route, Date.now(), 200, 1);
  }
  const recordNs = ((performance.now() - started) * 1e6) / samples;
  await app.close();

  const cases = Object.fromEntries(
    Object.entries(runs).map(([name, into]) => {
      const [plain, counted, noop, middleware] = VARIANTS.map((variant) => stats(into[variant]));
      return [
        name,
        {
          plain,
          with_interceptor: counted,
          nest_noop_interceptor: noop,
          with_middleware: middleware,
          p50_ratio: counted.p50 / plain.p50,
          // What the interceptor's own work adds above Nest's interceptor pipeline (the no-op), over the plain route.
          own_work_p50_ratio: (counted.p50 - noop.p50) / plain.p50,
          noop_p50_ratio: noop.p50 / plain.p50,
          p99_ratio: counted.p99 / plain.p99,
          middleware_p50_ratio: middleware.p50 / plain.p50,
          middleware_p99_ratio: middleware.p99 / plain.p99,
        },
      ];
    }),
  );
  // Warm-up included: 1000 through the interceptor and 1000 through the middleware.
  const countedRequests = Object.values(runs).reduce(
    (sum, into) => sum + into.counted.length + into.middleware.length,
    2000,
  );
  const results = {
    date: new Date().toISOString(),
    database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
    requests_per_variant_and_case: ROUNDS * REQUESTS_PER_ROUND,
    cases,
    requests_counted: countedRequests,
    requests_stored: stored,
    record_ns_per_request: Math.round(recordNs),
  };
  console.log(`database ${results.database}, ${results.requests_per_variant_and_case} requests per variant and case`);
  console.table(
    Object.fromEntries(
      Object.entries(cases).flatMap(([name, result]) =>
        (['plain', 'with_interceptor', 'nest_noop_interceptor', 'with_middleware'] as const).map((variant) => [
          `${name} ${variant}`,
          { p50_ms: result[variant].p50.toFixed(3), p99_ms: result[variant].p99.toFixed(3) },
        ]),
      ),
    ),
  );
  for (const [name, result] of Object.entries(cases)) {
    console.log(
      `${name}: with/without interceptor p50 ${result.p50_ratio.toFixed(3)}, p99 ${result.p99_ratio.toFixed(3)} ` +
        `(no-op interceptor p50 ${result.noop_p50_ratio.toFixed(3)}, own work ${(100 * result.own_work_p50_ratio).toFixed(1)}%); ` +
        `middleware p50 ${result.middleware_p50_ratio.toFixed(3)}, p99 ${result.middleware_p99_ratio.toFixed(3)}`,
    );
  }
  console.log(
    `counting one request in memory: ${results.record_ns_per_request} ns; ` +
      `counted ${countedRequests}, stored ${String(stored)} requests`,
  );
  writeFileSync(`bench/results/interceptor-overhead-${results.database}.json`, JSON.stringify(results, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
