import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { parseArgs } from 'node:util';
import { MetricsModule, MetricsService, metricsDataSourceOptions } from '../libs/metrics/src/index.js';
import { isCalendarDate } from '../libs/metrics/src/compute/calendar-dates.js';
import { readDemoEnvironment } from './demo-environment.js';

const USAGE = `Usage: npm run metrics -- <command> [options]
  migrate                                   apply the metrics migrations and exit
  backfill --start YYYY-MM-DD --end YYYY-MM-DD [--tenant T]
                                            compute daily, weekly, monthly snapshots and cohorts
  compute --date YYYY-MM-DD [--tenant T]    compute one day (and its week and month)
The database is DATABASE_URL, else the embedded PGlite in PGLITE_DIR (./.data/pglite).`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function date(value: string | undefined, name: string): string {
  if (!value || !isCalendarDate(value)) fail(`--${name} must be a calendar date as YYYY-MM-DD`);
  return value;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      start: { type: 'string' },
      end: { type: 'string' },
      date: { type: 'string' },
      tenant: { type: 'string' },
    },
  });
  const [command] = positionals;
  if (!command || !['migrate', 'backfill', 'compute'].includes(command))
    fail(`Unknown command: ${command ?? '(none)'}`);
  const range =
    command === 'backfill'
      ? { start: date(values.start, 'start'), end: date(values.end, 'end') }
      : command === 'compute'
        ? { start: date(values.date, 'date'), end: date(values.date, 'date') }
        : undefined;
  if (range && range.start > range.end) fail('--start must not be after --end');

  const environment = readDemoEnvironment();
  @Module({
    imports: [
      TypeOrmModule.forRoot(
        metricsDataSourceOptions({ databaseUrl: environment.databaseUrl, pgliteDir: environment.pgliteDir }),
      ),
      MetricsModule.forRoot({
        environment: environment.environment,
        timezone: environment.timezone,
        schedule: { enabled: false },
      }),
    ],
  })
  class CliModule {}

  // Creating the context runs the migrations (migrationsRun), which is all `migrate` needs.
  const context = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  try {
    if (range) {
      const metrics = context.get(MetricsService);
      const started = Date.now();
      const run = await metrics.run({
        ...range,
        tenant: values.tenant ?? null,
        trigger: 'cli',
        requestedBy: 'cli',
        onProgress: (done, total) => {
          const width = 30;
          const filled = Math.round((done / total) * width);
          process.stdout.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} days`);
        },
      });
      process.stdout.write('\n');
      if (run.status !== 'succeeded') throw new Error(`run ${run.run_id} failed: ${run.error ?? run.status}`);
      console.log(`run ${run.run_id}: computed ${run.total} day(s) in ${Date.now() - started} ms`);
    } else {
      console.log('migrations are up to date');
    }
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
