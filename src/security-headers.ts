import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/** Pages that run inline scripts and styles of their own: AdminJS (its bundle state) and Swagger UI. */
const RELAXED_PATHS = /^\/(admin|api\/docs)(\/|$|-json)/;

interface ExpressStack {
  router: { stack: { name: string }[] };
}

/**
 * The demo's HTTP hardening: helmet's headers everywhere (HSTS, nosniff, frame and referrer policies, no
 * X-Powered-By), a strict Content-Security-Policy on the API, and one that allows inline scripts and styles only
 * on the panel and the API docs, which need them. `trustProxy` makes `request.secure` (so the session cookie's
 * `secure` flag and the CSRF origin check) follow X-Forwarded-Proto from a TLS-terminating proxy.
 *
 * Call it after `app.init()`: @adminjs/nestjs moves its router to the front of Express's stack when it
 * initialises, so middleware added normally would never run for the panel. The headers are moved in front of it.
 */
export function applySecurityHeaders(app: NestExpressApplication, trustProxy: string | boolean): void {
  app.set('trust proxy', trustProxy);
  const strict = helmet();
  const relaxed = helmet({
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'", "'unsafe-inline'"],
        'style-src': ["'self'", "'unsafe-inline'", 'https:'],
        'font-src': ["'self'", 'https:', 'data:'],
        'img-src': ["'self'", 'data:', 'https:'],
      },
    },
  });
  app.use(function securityHeaders(request: Request, response: Response, next: NextFunction) {
    (RELAXED_PATHS.test(request.path) ? relaxed : strict)(request, response, next);
  });
  const { stack } = (app.getHttpAdapter().getInstance() as ExpressStack).router;
  const index = stack.findIndex((layer) => layer.name === 'securityHeaders');
  stack.unshift(...stack.splice(index, 1));
}

/** TRUST_PROXY: unset → loopback proxies only; "true"/"false"; or a list/number as Express reads it. */
export function readTrustProxy(value: string | undefined): string | boolean {
  if (value === undefined || value === '') return 'loopback';
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}
