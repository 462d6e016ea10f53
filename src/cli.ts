import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule, metricsDataSourceOptions, runMetricsCli } from '@exec-metrics/metrics';
import { readDemoEnvironment } from './demo-environment.js';

/**
 * The demo's command line (`npm run metrics -- <command>`): the library's runMetricsCli on a module with the demo's
 * own settings (DATABASE_URL or the embedded PGlite, METRICS_ENVIRONMENT, METRICS_TIMEZONE). A host does the same
 * with its own AppModule: docs/host-integration.md.
 */
const environment = readDemoEnvironment();
// verify reports pending migrations rather than applying them.
const verifying = process.argv[2] === 'verify';

@Module({
  imports: [
    TypeOrmModule.forRoot({
      ...metricsDataSourceOptions({ databaseUrl: environment.databaseUrl, pgliteDir: environment.pgliteDir }),
      ...(verifying ? { migrationsRun: false } : {}),
    }),
    MetricsModule.forRoot({ environment: environment.environment, timezone: environment.timezone }),
  ],
})
class DemoCliModule {}

process.exitCode = await runMetricsCli(DemoCliModule, { programName: 'npm run metrics --' });
