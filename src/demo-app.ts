import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { setupMetricsOpenApi } from '@exec-metrics/metrics';
import { serveAdminAssets } from './admin/admin-assets.js';
import { AppModule } from './app.module.js';
import type { readDemoEnvironment } from './demo-environment.js';
import { applySecurityHeaders, readTrustProxy } from './security-headers.js';

/**
 * The demo host app as `npm start` runs it, initialised but not listening (main.ts listens and seeds; the tests
 * listen on a free port). One place, so that what the tests check is what the demo serves.
 */
export async function createDemoApp(
  environment: ReturnType<typeof readDemoEnvironment>,
  options: { logger?: false | ('error' | 'warn' | 'log')[] } = {},
): Promise<NestExpressApplication> {
  // rawBody: the Stripe webhook verifies its signature on the body exactly as it arrived.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forEnvironment(environment), {
    rawBody: true,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  // A full batch of 10,000 events is a few MB of JSON: above Express's 100 kB default.
  app.useBodyParser('json', { limit: '16mb' });
  app.enableShutdownHooks();
  // Before init: init puts Nest's "not found" handler at the end of the routes, and a route added after it
  // (the API docs used to be) answers 404.
  setupMetricsOpenApi(app, 'api/docs');
  // Production: the panel's browser files were bundled ahead of time (`npm run admin:bundle`), served compressed and
  // cached; before init too, for the same reason (after it they would answer 404).
  if (process.env.ADMIN_JS_SKIP_BUNDLE === 'true') serveAdminAssets(app);
  // Initialised first so that the AdminJS router exists: the security headers go in front of it.
  await app.init();
  applySecurityHeaders(app, readTrustProxy(process.env.TRUST_PROXY));
  return app;
}
