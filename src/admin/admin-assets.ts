import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const ADMIN_ASSETS_DIR = 'admin-assets';
const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.map']);
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/**
 * After `npm run admin:bundle`: a Brotli and a gzip copy beside each script and stylesheet, made once at bundle time
 * (maximum compression is slow, so never per request). The panel's scripts are about 3.5 MB; compressed, under 1 MB.
 */
export function precompressAdminAssets(dir = ADMIN_ASSETS_DIR): number {
  let written = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (!COMPRESSIBLE.has(extname(name))) continue;
    const path = join(dir, name);
    const content = readFileSync(path);
    writeFileSync(
      `${path}.br`,
      brotliCompressSync(content, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
      }),
    );
    writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
    written += 1;
  }
  return written;
}

/**
 * Serves the ahead-of-time bundle at /admin-assets/: the Brotli or gzip copy when the browser takes it, and caching
 * for a year without revalidation. That is safe because AdminJS links every asset with `?date=<server start>`: a
 * restarted server (with a new bundle) links new URLs, so a browser never keeps an old bundle for a new server.
 */
export function serveAdminAssets(app: NestExpressApplication, dir = ADMIN_ASSETS_DIR): void {
  const root = resolve(dir);
  const cache = 'public, max-age=31536000, immutable';
  app.use('/admin-assets', function compressedAdminAsset(request: Request, response: Response, next: NextFunction) {
    const extension = extname(request.path);
    if (request.method !== 'GET' || !COMPRESSIBLE.has(extension) || request.path.includes('..')) return next();
    const accepted = String(request.headers['accept-encoding'] ?? '');
    const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null;
    const file = join(root, `${request.path}.${encoding === 'br' ? 'br' : 'gz'}`);
    if (encoding === null || !file.startsWith(root) || !existsSync(file)) return next();
    response.setHeader('Content-Type', TYPES[extension]);
    response.setHeader('Content-Encoding', encoding);
    response.setHeader('Vary', 'Accept-Encoding');
    response.setHeader('Cache-Control', cache);
    response.sendFile(file);
  });
  app.useStaticAssets(root, {
    prefix: '/admin-assets/',
    maxAge: '365d',
    immutable: true,
    setHeaders: (response: Response) => response.setHeader('Vary', 'Accept-Encoding'),
  });
}
