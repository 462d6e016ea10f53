import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { rmSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import {
  DEFAULT_ROUTE_PREFIX,
  MetricsConfigService,
  MetricsRecorder,
  MetricsService,
  StripeEventsService,
  setupMetricsOpenApi,
} from '@exec-metrics/metrics';
import { AdminPanelModule } from './admin/admin-panel.module.js';
import { AppModule } from './app.module.js';
import { readDemoEnvironment } from './demo-environment.js';
import { databaseIsEmpty, seedDemoData } from './seed-demo-data.js';
import { applySecurityHeaders, readTrustProxy } from './security-headers.js';

async function bootstrap(): Promise<void> {
  const environment = readDemoEnvironment();
  // Development bundles the components on first request and reuses .adminjs/bundle.js: drop a stale one.
  if (process.env.ADMIN_JS_SKIP_BUNDLE !== 'true') rmSync('.adminjs/bundle.js', { force: true });
  const logger = new Logger('Demo');
  // rawBody: the Stripe webhook verifies its signature on the body exactly as it arrived.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forEnvironment(environment), {
    rawBody: true,
  });
  // A full batch of 10,000 events is a few MB of JSON: above Express's 100 kB default.
  app.useBodyParser('json', { limit: '16mb' });
  app.enableShutdownHooks();
  // Initialised first so that the AdminJS router exists: the security headers go in front of it.
  await app.init();
  applySecurityHeaders(app, readTrustProxy(process.env.TRUST_PROXY));
  setupMetricsOpenApi(app, 'api/docs');
  // Production: the panel's browser files were bundled ahead of time (`npm run admin:bundle`).
  if (process.env.ADMIN_JS_SKIP_BUNDLE === 'true') app.useStaticAssets('admin-assets', { prefix: '/admin-assets/' });

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
    // Development: bundle the panel's components now (tens of seconds), so they are ready when someone opens it.
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
