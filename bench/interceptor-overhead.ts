/**
 * The API request counter's overhead: the same trivial route plain, with MetricsApiInterceptor (applied per
 * controller), with a no-op interceptor, with MetricsApiMiddleware — all in one app — and with MetricsApiCounter
 * (`apiMetrics.countRequests`, which counts every route of its app: a second app serves that variant, and a third,
 * identical but for the option, its plain twin — apps differ in routing cost, so the counter is compared with its
 * twin), loaded in alternating rounds on loopback, so all see the same machine state. Reports p50/p99 of each and their ratio (goal: under 5% at p50), plus the cost of counting one
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
const VARIANTS = ['plain', 'counted', 'noop', 'middleware', 'counter', 'twin'] as const;
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

/** The route of the counter's app: the plain route under another name (every route of that app is counted). */
@Controller('counter')
class CounterController {
  @Get('ping/:id')
  ping() {
    return { ok: true };
  }
}

/** The same route in the twin app (no counting). */
@Controller('twin')
class TwinController {
  @Get('ping/:id')
  ping() {
    return { ok: true };
  }
}

/**
 * Each app's own in-memory database (TypeORM warns that two default-named data sources exist in the process; each
 * app's container still resolves its own, as the stored counts of both apps show).
 */
function database() {
  return TypeOrmModule.forRoot(
    metricsDataSourceOptions({ databaseUrl: process.env.DATABASE_URL, pgliteDir: 'memory://' }),
  );
}

async function main(): Promise<void> {
  @Module({
    imports: [
      database(),
      MetricsModule.forRoot({ environment: 'bench', rateLimit: false, schedule: { enabled: false } }),
    ],
    controllers: [PlainController, NoopController, CountedController, MiddlewareController],
  })
  class BenchModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(MetricsApiMiddleware).forRoutes(MiddlewareController);
    }
  }

  @Module({
    imports: [
      database(),
      MetricsModule.forRoot({
        environment: 'bench',
        rateLimit: false,
        schedule: { enabled: false },
        apiMetrics: { countRequests: true },
      }),
    ],
    controllers: [CounterController],
  })
  class CounterBenchModule {}

  @Module({
    imports: [
      database(),
      MetricsModule.forRoot({ environment: 'bench', rateLimit: false, schedule: { enabled: false } }),
    ],
    controllers: [TwinController],
  })
  class TwinBenchModule {}

  const app = await NestFactory.create(BenchModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const counterApp = await NestFactory.create(CounterBenchModule, { logger: ['error'] });
  await counterApp.listen(0, '127.0.0.1');
  const twinApp = await NestFactory.create(TwinBenchModule, { logger: ['error'] });
  await twinApp.listen(0, '127.0.0.1');
  const baseOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const bases: Record<Variant, string> = {
    plain: baseOf(app.getHttpServer() as Server),
    counted: baseOf(app.getHttpServer() as Server),
    noop: baseOf(app.getHttpServer() as Server),
    middleware: baseOf(app.getHttpServer() as Server),
    counter: baseOf(counterApp.getHttpServer() as Server),
    twin: baseOf(twinApp.getHttpServer() as Server),
  };

  // Warm-up of every path (JIT, sockets), not measured.
  for (const variant of VARIANTS) await load(bases[variant], `/${variant}/ping`, 1000, 8, []);

  const runs: Record<string, Record<Variant, number[]>> = {};
  for (const clients of CLIENT_COUNTS) {
    const into: Record<Variant, number[]> = { plain: [], counted: [], noop: [], middleware: [], counter: [], twin: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      // Short rounds, rotating which goes first, so all variants see the same (shared, noisy) machine.
      for (let step = 0; step < VARIANTS.length; step += 1) {
        const variant = VARIANTS[(round + step) % VARIANTS.length];
        await load(bases[variant], `/${variant}/ping`, REQUESTS_PER_ROUND, clients, into[variant]);
      }
    }
    runs[`clients_${clients}`] = into;
  }
  // Every counted request (warm-up included) reached the table: nothing was lost under load. Each app's own
  // routes only: on PostgreSQL the apps share one database (PGlite gives each its own).
  const storedIn = async (of: typeof app, counterRoutes: boolean) => {
    await of.get(ApiRequestCollector).flush();
    const [{ stored }] = await of
      .get(DataSource)
      .query<{ stored: number }[]>(
        `SELECT coalesce(sum(requests), 0)::int AS stored FROM metrics_api_request_rollup WHERE (route LIKE '%/counter/%') = $1`,
        [counterRoutes],
      );
    return stored;
  };
  const stored = await storedIn(app, false);
  const counterStored = await storedIn(counterApp, true);
  await counterApp.close();
  await twinApp.close();
  const collector = app.get(ApiRequestCollector);

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
      const [plain, counted, noop, middleware, counter, twin] = VARIANTS.map((variant) => stats(into[variant]));
      return [
        name,
        {
          plain,
          with_interceptor: counted,
          nest_noop_interceptor: noop,
          with_middleware: middleware,
          with_counter: counter,
          counter_twin_plain: twin,
          p50_ratio: counted.p50 / plain.p50,
          // What the interceptor's own work adds above Nest's interceptor pipeline (the no-op), over the plain route.
          own_work_p50_ratio: (counted.p50 - noop.p50) / plain.p50,
          noop_p50_ratio: noop.p50 / plain.p50,
          p99_ratio: counted.p99 / plain.p99,
          middleware_p50_ratio: middleware.p50 / plain.p50,
          middleware_p99_ratio: middleware.p99 / plain.p99,
          // The counter against its twin app (same routes, no counting), and against the first app's plain route.
          counter_p50_ratio: counter.p50 / twin.p50,
          counter_p99_ratio: counter.p99 / twin.p99,
          counter_vs_plain_p50_ratio: counter.p50 / plain.p50,
          twin_vs_plain_p50_ratio: twin.p50 / plain.p50,
        },
      ];
    }),
  );
  // Warm-up included: 1000 through the interceptor and 1000 through the middleware (and 1000 through the counter).
  const countedRequests = Object.values(runs).reduce(
    (sum, into) => sum + into.counted.length + into.middleware.length,
    2000,
  );
  const counterRequests = Object.values(runs).reduce((sum, into) => sum + into.counter.length, 1000);
  const results = {
    date: new Date().toISOString(),
    database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
    requests_per_variant_and_case: ROUNDS * REQUESTS_PER_ROUND,
    cases,
    requests_counted: countedRequests,
    requests_stored: stored,
    requests_counted_by_counter: counterRequests,
    requests_stored_by_counter: counterStored,
    record_ns_per_request: Math.round(recordNs),
  };
  console.log(`database ${results.database}, ${results.requests_per_variant_and_case} requests per variant and case`);
  console.table(
    Object.fromEntries(
      Object.entries(cases).flatMap(([name, result]) =>
        (
          [
            'plain',
            'with_interceptor',
            'nest_noop_interceptor',
            'with_middleware',
            'with_counter',
            'counter_twin_plain',
          ] as const
        ).map((variant) => [
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
        `middleware p50 ${result.middleware_p50_ratio.toFixed(3)}, p99 ${result.middleware_p99_ratio.toFixed(3)}; ` +
        `counter ÷ its twin p50 ${result.counter_p50_ratio.toFixed(3)}, p99 ${result.counter_p99_ratio.toFixed(3)} ` +
        `(counter ÷ plain p50 ${result.counter_vs_plain_p50_ratio.toFixed(3)}, twin ÷ plain ${result.twin_vs_plain_p50_ratio.toFixed(3)})`,
    );
  }
  console.log(
    `counting one request in memory: ${results.record_ns_per_request} ns; ` +
      `counted ${countedRequests}, stored ${String(stored)} requests; ` +
      `counter app: counted ${counterRequests}, stored ${String(counterStored)}`,
  );
  writeFileSync(`bench/results/interceptor-overhead-${results.database}.json`, JSON.stringify(results, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
