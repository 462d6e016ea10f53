import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DEFAULT_ROUTE_PREFIX,
  MetricsConfigService,
  MetricsRecorder,
  MetricsService,
  StripeEventsService,
} from '@exec-metrics/metrics';
import { AdminPanelModule } from './admin/admin-panel.module.js';
import { createDemoApp } from './demo-app.js';
import { readDemoEnvironment } from './demo-environment.js';
import { databaseIsEmpty, seedDemoData } from './seed-demo-data.js';

async function bootstrap(): Promise<void> {
  const environment = readDemoEnvironment();
  const logger = new Logger('Demo');
  const app = await createDemoApp(environment);

  const dataSource = app.get(DataSource);
  const seed =
    environment.demoData === true || (environment.demoData === 'auto' && (await databaseIsEmpty(dataSource)));
  if (seed) {
    logger.log('Empty database: generating 12 months of demo history (DEMO_DATA=off skips this)…');
    await seedDemoData(
      dataSource,
      {
        recorder: app.get(MetricsRecorder),
        metrics: app.get(MetricsService),
        config: app.get(MetricsConfigService),
        stripe: app.get(StripeEventsService),
      },
      environment.timezone,
    );
  }

  await app.listen(environment.port);
  const base = `http://localhost:${environment.port}`;
  if (process.env.ADMIN_JS_SKIP_BUNDLE !== 'true') {
    // Development: bundle the panel's components now (tens of seconds), so they are ready when someone opens it
    // (until then AdminJS serves the previous bundle, if there is one, rather than bundle a second time).
    const started = Date.now();
    app
      .get(AdminPanelModule)
      .bundleComponents()
      .then(() => logger.log(`Admin panel components bundled in ${((Date.now() - started) / 1000).toFixed(1)} s`))
      .catch((error: unknown) => logger.warn(`Admin panel bundling failed: ${String(error)}`));
  }
  const lines = [
    '',
    `Exec Metrics demo is ready (${environment.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${environment.pgliteDir}`})`,
    `  Admin panel:  ${base}/admin`,
    `  Metrics API:  ${base}/${DEFAULT_ROUTE_PREFIX}/summary?start=…&end=…  (Authorization: Bearer <admin token>)`,
    `  Events:       POST ${base}/${DEFAULT_ROUTE_PREFIX}/events`,
    `  API docs:     ${base}/api/docs (OpenAPI: ${base}/api/docs-json)`,
  ];
  if (environment.generated.includes('ADMIN_EMAIL') || environment.generated.includes('ADMIN_PASSWORD')) {
    lines.push(
      `  Panel login:  ${environment.adminEmail} / ${environment.adminPassword}  (set ADMIN_EMAIL, ADMIN_PASSWORD)`,
    );
  }
  if (environment.generated.includes('METRICS_ADMIN_TOKEN')) {
    lines.push(`  Admin token:  ${environment.adminToken}  (set METRICS_ADMIN_TOKEN to keep one)`);
  }
  console.log(lines.join('\n'));
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
