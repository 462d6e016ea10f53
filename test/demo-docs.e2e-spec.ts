import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { createDemoApp } from '../src/demo-app.js';
import { readDemoEnvironment } from '../src/demo-environment.js';

/** The API docs that the start banner and docs/getting-started.md advertise, on the demo app exactly as `npm start` builds it. */
describe('demo app: API docs', () => {
  let app: NestExpressApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const environment = readDemoEnvironment({
      DATABASE_URL: process.env.TEST_DATABASE_URL,
      PGLITE_DIR: 'memory://',
      DEMO_DATA: 'off',
      ADMIN_EMAIL: 'docs@example.com',
      ADMIN_PASSWORD: 'docs-password',
      METRICS_ADMIN_TOKEN: 'docs-admin-token',
      METRICS_SCHEDULE: 'off',
    });
    app = await createDemoApp(environment, { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(() => app?.close());

  it('serves the Swagger UI at /api/docs with its script', async () => {
    const page = await fetch(`${baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    const script = /src="\.?\/?([^"]*swagger-ui-init\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const init = await fetch(`${baseUrl}/api/docs/${script!.replace(/^.*\//, '')}`);
    expect(init.status).toBe(200);
  });

  it('serves the OpenAPI document at /api/docs-json with the metrics routes', async () => {
    const response = await fetch(`${baseUrl}/api/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; info: { title: string }; paths: object };
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('Exec Metrics');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/system/metrics/summary',
        '/api/system/metrics/timeseries',
        '/api/system/metrics/alerts',
      ]),
    );
  });
});
