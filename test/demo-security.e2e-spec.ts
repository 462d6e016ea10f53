import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../src/app.module.js';
import { readDemoEnvironment } from '../src/demo-environment.js';
import { applySecurityHeaders, readTrustProxy } from '../src/security-headers.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));

/** The demo host as main.ts builds it (without demo data), on a loopback port. */
describe('the demo app: security headers and the panel session cookie', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    const environment = readDemoEnvironment({
      PGLITE_DIR: 'memory://',
      DEMO_DATA: 'off',
      ADMIN_EMAIL: 'admin@demo.test',
      ADMIN_PASSWORD: 'correct horse battery',
      METRICS_ADMIN_TOKEN: 'demo-admin-token-for-tests',
    });
    // The login page needs AdminJS's own scripts only: the components' bundle is behind the login.
    const saved = { NODE_ENV: process.env.NODE_ENV };
    Object.assign(process.env, { NODE_ENV: 'production' });
    try {
      app = await NestFactory.create<NestExpressApplication>(AppModule.forEnvironment(environment), {
        logger: ['error'],
      });
      await app.init();
    } finally {
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    }
    applySecurityHeaders(app, readTrustProxy(undefined));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => app.close());

  it('serves the panel login with helmet headers and a CSP that lets AdminJS run', async () => {
    const response = await fetch(`${base}/admin/login`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('gives the API a strict CSP (no inline scripts)', async () => {
    const response = await fetch(`${base}/api/system/metrics/catalog`, {
      headers: { authorization: 'Bearer demo-admin-token-for-tests' },
    });
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    const scripts = csp.split(';').find((directive) => directive.startsWith('script-src '));
    expect(scripts).toBe("script-src 'self'");
  });

  const login = (headers: Record<string, string> = {}) =>
    fetch(`${base}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ email: 'admin@demo.test', password: 'correct horse battery' }).toString(),
    });

  it('sets the session cookie httpOnly and sameSite=lax, and secure behind a TLS proxy', async () => {
    const plain = await login();
    expect(plain.status).toBe(302);
    const cookie = plain.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^exec_metrics_admin=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    // The test client is on loopback, which TRUST_PROXY trusts by default: it stands for the proxy here.
    const proxied = await login({ 'x-forwarded-proto': 'https' });
    expect(proxied.headers.get('set-cookie')).toMatch(/; Secure/i);
  });

  (CHROMIUM ? it : it.skip)('renders the login form in a real browser under that CSP', async () => {
    const { stdout } = await promisify(execFile)(
      CHROMIUM!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--virtual-time-budget=5000',
        '--dump-dom',
        `${base}/admin/login`,
      ],
      { timeout: 60_000 },
    );
    // The form is drawn by AdminJS's scripts: blocked scripts would leave an empty page.
    expect(stdout).toMatch(/<input[^>]+name="email"/);
    expect(stdout).toMatch(/<input[^>]+type="password"/);
  });
});
