import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { MetricsService } from '../metrics.service.js';
import { AuditService } from '../security/audit.service.js';
import { AuditArchiveRefused, AuditPartitionsService } from '../security/audit-partitions.service.js';
import { TokensService } from '../security/tokens.service.js';
import { MetricsVerifier } from '../verify/metrics-verifier.service.js';
import { METRICS_CLI_ENV } from './cli-mode.js';
import { CLI_USAGE, CliUsageError, parseCliCommand, type CliCommand } from './cli-command.js';

export interface MetricsCliOptions {
  /** The arguments after the script's name (default: process.argv.slice(2)). */
  argv?: string[];
  /** How the host runs its script, for the usage text (default `metrics`). */
  programName?: string;
}

/**
 * The metrics command line on the host's own module, so every command uses the host's options (environment,
 * timezone, sources, data source) and never defaults of its own. A host's script is five lines:
 *
 *   import 'reflect-metadata';
 *   import { runMetricsCli } from '@exec-metrics/metrics';
 *   import { AppModule } from './app.module.js';
 *   process.exitCode = await runMetricsCli(AppModule);
 *
 * Answers the exit code: 0 done, 1 failed (a run failed, the audit chain is broken), 2 a wrong command line.
 */
export async function runMetricsCli(
  hostModule: Type | DynamicModule,
  options: MetricsCliOptions = {},
): Promise<number> {
  const usage = `Usage: ${options.programName ?? 'metrics'} <command> [options]\n${CLI_USAGE}`;
  let command: CliCommand;
  try {
    command = parseCliCommand(options.argv ?? process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  process.env[METRICS_CLI_ENV] = '1';
  let context: INestApplicationContext | undefined;
  try {
    context = await NestFactory.createApplicationContext(hostModule, { logger: ['error', 'warn'] });
    return await execute(context, command);
  } catch (error) {
    console.error(error instanceof CliUsageError ? `${error.message}\n\n${usage}` : describe(error));
    return error instanceof CliUsageError ? 2 : 1;
  } finally {
    await context?.close();
    delete process.env[METRICS_CLI_ENV];
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Changes made from the command line are audited like those made over HTTP (outcome 0: no HTTP status). */
const cliActor = () => ({ actor: `cli:${process.env.USER ?? 'unknown'}`, actor_kind: 'cli', ip: null, method: 'CLI' });

async function execute(context: INestApplicationContext, command: CliCommand): Promise<number> {
  switch (command.kind) {
    case 'migrate':
      return migrate(context.get(DataSource));
    case 'run':
      return backfill(context.get(MetricsService), command);
    case 'cohorts':
      await context.get(MetricsService).computeCohorts(command.month);
      console.log(`computed the cohorts of ${command.month.slice(0, 7)}`);
      return 0;
    case 'audit-verify': {
      const report = await context.get(AuditService).verify();
      if (report.ok) {
        console.log(`audit chain intact: ${report.records} record(s), head ${report.head ?? '(empty)'}`);
        return 0;
      }
      console.error(`audit chain BROKEN at record ${report.first_broken?.id}: ${report.first_broken?.reason}`);
      return 1;
    }
    case 'audit-archive':
      return archive(context.get(AuditPartitionsService), context.get(AuditService), command.before);
    case 'verify':
      return verify(context.get(MetricsVerifier), command.sample);
    case 'token-create':
    case 'token-revoke':
    case 'token-list':
      return tokenCommand(context.get(TokensService), context.get(AuditService), command);
  }
}

async function archive(partitions: AuditPartitionsService, audit: AuditService, before: string): Promise<number> {
  const actor = cliActor();
  let archived;
  try {
    archived = await partitions.archiveBefore(before, actor.actor);
  } catch (error) {
    if (!(error instanceof AuditArchiveRefused)) throw error;
    console.error(`audit archive refused: ${error.message}`);
    return 1;
  }
  const params = { before, tables: archived.tables.join(' '), records: archived.records };
  await audit.record({ ...actor, route: 'audit archive', action: 'audit_archive', params, outcome: 0 });
  if (archived.tables.length === 0) {
    console.log(`no audit month before ${before} to archive`);
    return 0;
  }
  console.log(`detached ${archived.tables.join(', ')}: ${archived.records} record(s), anchor ${archived.anchor}`);
  console.log('Dump them (pg_dump -t <table>), keep the dump, then DROP TABLE them (docs/audit-retention.md).');
  return 0;
}

async function verify(verifier: MetricsVerifier, sample: number): Promise<number> {
  const report = await verifier.verify(sample);
  for (const check of report.checks) {
    console.log(`${check.verdict.toUpperCase().padEnd(7)} ${check.name}: ${check.detail}`);
    for (const example of check.examples ?? []) console.log(`        ${JSON.stringify(example)}`);
  }
  console.log(report.ok ? 'verify: OK' : 'verify: FAILED');
  return report.ok ? 0 : 1;
}

async function migrate(dataSource: DataSource): Promise<number> {
  const applied = await dataSource.runMigrations();
  for (const migration of applied) console.log(`applied ${migration.name}`);
  console.log(applied.length ? `${applied.length} migration(s) applied` : 'migrations are up to date');
  return 0;
}

async function backfill(metrics: MetricsService, range: Extract<CliCommand, { kind: 'run' }>): Promise<number> {
  const started = Date.now();
  const interactive = process.stdout.isTTY === true;
  let lastShown = -1;
  const run = await metrics.run({
    start: range.start,
    end: range.end,
    tenant: range.tenant,
    trigger: 'cli',
    requestedBy: 'cli',
    onProgress: (done, total) => {
      const width = 30;
      const filled = Math.round((done / total) * width);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} days`;
      // A terminal redraws one line; a log (CI, cron) gets a line every tenth of the way.
      if (interactive) process.stdout.write(`\r${bar}`);
      else if (Math.floor((done / total) * 10) > lastShown) {
        lastShown = Math.floor((done / total) * 10);
        console.log(bar);
      }
    },
  });
  if (interactive) process.stdout.write('\n');
  if (run.status !== 'succeeded') {
    console.error(`run ${run.run_id} failed: ${run.error ?? run.status}`);
    return 1;
  }
  console.log(`run ${run.run_id}: computed ${run.total} day(s) in ${Date.now() - started} ms`);
  return 0;
}

async function tokenCommand(
  tokens: TokensService,
  audit: AuditService,
  command: Extract<CliCommand, { kind: 'token-create' | 'token-revoke' | 'token-list' }>,
): Promise<number> {
  if (command.kind === 'token-create') {
    const created = await tokens.create(command.name, command.scope, 'cli');
    console.log(`token ${created.id} (${created.scope}): ${created.token}`);
    console.log('Keep it now: it is stored hashed and cannot be shown again.');
    const params = { name: command.name, scope: command.scope };
    await audit.record({ ...cliActor(), route: 'token create', action: 'token_create', params, outcome: 0 });
  } else if (command.kind === 'token-revoke') {
    const revoked = await tokens.revoke(command.id, 'cli');
    console.log(`token ${revoked.id} (${revoked.name}) revoked at ${revoked.revoked_at}`);
    const params = { id: command.id };
    await audit.record({ ...cliActor(), route: 'token revoke', action: 'token_revoke', params, outcome: 0 });
  } else {
    for (const token of await tokens.list()) {
      const state = token.revoked_at ? '  (revoked)' : '';
      console.log(`${token.id}  ${token.scope.padEnd(6)}  ${token.token_prefix}…  ${token.name}${state}`);
    }
  }
  return 0;
}
