import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { parseArgs } from 'node:util';
import {
  AuditService,
  MetricsModule,
  MetricsService,
  MetricsVerifier,
  TokensService,
  metricsDataSourceOptions,
} from '../libs/metrics/src/index.js';
import { isCalendarDate } from '../libs/metrics/src/compute/calendar-dates.js';
import { readDemoEnvironment } from './demo-environment.js';

const USAGE = `Usage: npm run metrics -- <command> [options]
  migrate                                   apply the metrics migrations and exit
  backfill --start YYYY-MM-DD --end YYYY-MM-DD [--tenant T]
                                            compute daily, weekly, monthly snapshots and cohorts
  compute --date YYYY-MM-DD [--tenant T]    compute one day (and its week and month)
  cohorts --month YYYY-MM                   compute the signup cohorts of one month
  token create --name NAME --scope admin|ingest
                                            create an integration token (printed once)
  token revoke --id ID                      revoke a token
  token list                                list tokens (never the tokens themselves)
  audit verify                              verify the audit trail's hash chain (exit 1 when broken)
  verify [--sample N]                       check the stored data: audit chain, revenue reconciliation, N days of
                                            snapshots recomputed (5), dirty days, stuck runs, failing deliveries,
                                            pending migrations (exit 1 when a check fails; runs no migration)
The database is DATABASE_URL, else the embedded PGlite in PGLITE_DIR (./.data/pglite).`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function date(value: string | undefined, name: string): string {
  if (!value || !isCalendarDate(value)) fail(`--${name} must be a calendar date as YYYY-MM-DD`);
  return value;
}

function monthDate(value: string | undefined): string {
  if (!value || !/^\d{4}-\d{2}$/.test(value) || !isCalendarDate(`${value}-01`))
    fail('--month must be a month as YYYY-MM');
  return `${value}-01`;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      start: { type: 'string' },
      end: { type: 'string' },
      date: { type: 'string' },
      tenant: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string' },
      id: { type: 'string' },
      month: { type: 'string' },
      sample: { type: 'string' },
    },
  });
  const [command, subcommand] = positionals;
  if (!command || !['migrate', 'backfill', 'compute', 'cohorts', 'token', 'audit', 'verify'].includes(command)) {
    fail(`Unknown command: ${command ?? '(none)'}`);
  }
  if (command === 'token' && !['create', 'revoke', 'list'].includes(subcommand ?? ''))
    fail('token needs create, revoke or list');
  if (subcommand === 'create' && (!values.name || !['admin', 'ingest'].includes(values.scope ?? ''))) {
    fail('token create needs --name and --scope admin|ingest');
  }
  if (subcommand === 'revoke' && !values.id) fail('token revoke needs --id');
  if (command === 'audit' && subcommand !== 'verify') fail('audit needs verify');
  const sample = values.sample === undefined ? 5 : Number(values.sample);
  if (!Number.isInteger(sample) || sample < 1 || sample > 366)
    fail('--sample must be a whole number of days, 1 to 366');
  const month = command === 'cohorts' ? monthDate(values.month) : undefined;
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
      TypeOrmModule.forRoot({
        ...metricsDataSourceOptions({ databaseUrl: environment.databaseUrl, pgliteDir: environment.pgliteDir }),
        // verify reports pending migrations rather than applying them.
        ...(command === 'verify' ? { migrationsRun: false } : {}),
      }),
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
    } else if (month) {
      await context.get(MetricsService).computeCohorts(month);
      console.log(`computed the cohorts of ${month.slice(0, 7)}`);
    } else if (command === 'audit') {
      const report = await context.get(AuditService).verify();
      if (report.ok) console.log(`audit chain intact: ${report.records} record(s), head ${report.head ?? '(empty)'}`);
      else {
        console.error(`audit chain BROKEN at record ${report.first_broken!.id}: ${report.first_broken!.reason}`);
        process.exitCode = 1;
      }
    } else if (command === 'verify') {
      const report = await context.get(MetricsVerifier).verify(sample);
      for (const check of report.checks) {
        console.log(`${check.verdict.toUpperCase().padEnd(7)} ${check.name}: ${check.detail}`);
        for (const example of check.examples ?? []) console.log(`        ${JSON.stringify(example)}`);
      }
      console.log(report.ok ? 'verify: OK' : 'verify: FAILED');
      if (!report.ok) process.exitCode = 1;
    } else if (command === 'token') {
      await tokenCommand(context.get(TokensService), context.get(AuditService), subcommand!, values);
    } else {
      console.log('migrations are up to date');
    }
  } finally {
    await context.close();
  }
}

/** Changes made from the command line are audited like those made over HTTP (outcome 0: no HTTP status). */
const CLI_ACTOR = { actor: `cli:${process.env.USER ?? 'unknown'}`, actor_kind: 'cli', ip: null, method: 'CLI' };

async function tokenCommand(
  tokens: TokensService,
  audit: AuditService,
  subcommand: string,
  values: { name?: string; scope?: string; id?: string },
): Promise<void> {
  if (subcommand === 'create') {
    const created = await tokens.create(values.name!, values.scope as 'admin' | 'ingest', 'cli');
    console.log(`token ${created.id} (${created.scope}): ${created.token}`);
    console.log('Keep it now: it is stored hashed and cannot be shown again.');
    await audit.record({
      ...CLI_ACTOR,
      route: 'token create',
      action: 'token_create',
      params: { name: values.name, scope: values.scope },
      outcome: 0,
    });
  } else if (subcommand === 'revoke') {
    const revoked = await tokens.revoke(values.id!, 'cli');
    console.log(`token ${revoked.id} (${revoked.name}) revoked at ${revoked.revoked_at}`);
    await audit.record({
      ...CLI_ACTOR,
      route: 'token revoke',
      action: 'token_revoke',
      params: { id: values.id },
      outcome: 0,
    });
  } else {
    for (const token of await tokens.list()) {
      const state = token.revoked_at ? '  (revoked)' : '';
      console.log(`${token.id}  ${token.scope.padEnd(6)}  ${token.token_prefix}…  ${token.name}${state}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
