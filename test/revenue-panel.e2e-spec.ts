import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { AdminPanelModule } from '../src/admin/admin-panel.module.js';
import { AppModule } from '../src/app.module.js';
import { readDemoEnvironment } from '../src/demo-environment.js';
import { ownDatabase } from './support/own-database.js';
import { launchChromium, logIn } from './support/panel-browser.js';

const PREFIX = '/api/system/metrics';
/** Browser steps wait on real rendering and real runs: generous, as the suite runs on a shared machine. */
const SLOW = 180_000;

/** The Revenue page of the demo's panel (new components only): conventions, compare table, customers, CSV import. */
describe('the Revenue page in a real browser', () => {
  const postgres = process.env.TEST_DATABASE_URL
    ? ownDatabase(process.env.TEST_DATABASE_URL, 'revenue_panel')
    : undefined;
  const environment = readDemoEnvironment({
    DATABASE_URL: postgres?.url,
    PGLITE_DIR: 'memory://',
    DEMO_DATA: 'off',
    ADMIN_EMAIL: 'cfo@example.com',
    ADMIN_PASSWORD: 'revenue-password',
    METRICS_ADMIN_TOKEN: 'revenue-admin-token',
    METRICS_SCHEDULE: 'off',
  });
  let app: NestExpressApplication;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${PREFIX}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${environment.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    await postgres?.create();
    app = await NestFactory.create<NestExpressApplication>(AppModule.forEnvironment(environment), {
      rawBody: true,
      logger: ['error'],
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const stored = await api('POST', 'revenue/entries/batch', {
      entries: [
        { customer: 'acme', tenant: 'acme', mrr: 1000, effective_date: '2026-03-01' },
        { customer: 'initech', tenant: 'globex', mrr: 400, effective_date: '2026-03-05' },
        { customer: 'initech', mrr: 0, effective_date: '2026-03-20' },
      ],
    });
    expect(stored.status).toBe(201);
    // Today's components, bundled before the browser opens the panel.
    await app.get(AdminPanelModule).bundleComponents();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(60_000);
    await logIn(page, baseUrl, environment.adminEmail, environment.adminPassword);
    await page.goto(`${baseUrl}/admin/pages/Revenue`);
    await page.waitForSelector('[data-testid=revenue-page]');
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await postgres?.drop();
  });

  it(
    'lists the customers by MRR and compares the conventions on the same data',
    async () => {
      await page.waitForSelector('[data-testid=customer-row]');
      const rows = await page.$$eval('[data-testid=customer-row]', (found) =>
        found.map((row) => Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent)),
      );
      expect(rows.map((cells) => [cells[0], cells[1], cells[6]])).toEqual([
        ['$1,000', 'acme', 'paying'],
        ['$0', 'initech', 'churned'],
      ]);
      await page.fill('[data-testid=compare-start]', '2026-03-01');
      await page.fill('[data-testid=compare-end]', '2026-03-31');
      await page.click('[data-testid=compare-submit]');
      await page.waitForSelector('[data-testid=compare-table]');
      const names = await page.$$eval('[data-testid^=compare-row-]', (found) =>
        found.map((row) => row.getAttribute('data-testid')),
      );
      expect(names).toEqual([
        'compare-row-configured',
        'compare-row-mrr_discounts=all',
        'compare-row-mrr_discounts=forever_only',
        'compare-row-mrr_discounts=none',
        'compare-row-past_due_churn_after_days=30',
        'compare-row-quick_ratio_includes_reactivation=false',
      ]);
      // MRR at the end of March: acme's 1,000 (initech left on 03-20).
      const configured = await page.$$eval('[data-testid=compare-row-configured] td', (cells) =>
        cells.map((cell) => cell.textContent),
      );
      expect(configured.slice(0, 3)).toEqual(['Yours (configured)', '$0', '$1,000']);
      // One month: the month's own churn rate; two months: the average monthly rate, and the header says so.
      expect(await page.textContent('[data-testid=compare-table] thead')).not.toContain('avg / month');
      await page.fill('[data-testid=compare-start]', '2026-02-01');
      await page.click('[data-testid=compare-submit]');
      await page.waitForFunction(() =>
        document.querySelector('[data-testid=compare-table] thead')?.textContent?.includes('Logo churn (avg / month)'),
      );
    },
    SLOW,
  );

  it(
    'explains and saves the conventions; the history recomputes as a run with progress',
    async () => {
      const explanation = await page.textContent('[data-testid=convention-mrr-discounts]');
      expect(explanation).toContain('a once coupon does not count');
      await page.selectOption('[data-testid=convention-past-due]', '30');
      await page.click('[data-testid=conventions-save]');
      await page.waitForSelector('[data-testid=run-progress][data-status=succeeded]', { timeout: SLOW });
      expect((await api('GET', 'config')).body).toMatchObject({ past_due_churn_after_days: 30 });
    },
    SLOW,
  );

  it(
    'imports a CSV: errors by line before anything is stored, then the valid file',
    async () => {
      const ledgerSize = async () => ((await api('GET', 'revenue/ledger?limit=1000')).body.entries as unknown[]).length;
      const before = await ledgerSize();
      const upload = (name: string, text: string) =>
        page.setInputFiles('[data-testid=revenue-csv-file]', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
      await upload(
        'bad.csv',
        'customer,tenant,mrr,effective_date\nhooli,acme,250,2026-03-10\nvandelay,acme,-5,2026-03-11\n',
      );
      await page.waitForSelector('[data-testid=revenue-csv-error]');
      expect(
        await page.$$eval('[data-testid=revenue-csv-error]', (found) => found.map((item) => item.textContent)),
      ).toEqual(['Line 3, mrr: must not be negative']);
      expect(await ledgerSize()).toBe(before);
      await upload('good.csv', 'customer,tenant,mrr,effective_date,note\nhooli,acme,250,2026-03-10,"new, annual"\n');
      await page.waitForSelector('[data-testid=revenue-csv-stored]');
      expect(await page.textContent('[data-testid=revenue-csv-stored]')).toContain('Stored 1 entries for 1 customers');
      expect(await ledgerSize()).toBe(before + 1);
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll('[data-testid=customer-row]')).some((row) =>
          row.textContent?.includes('hooli'),
        ),
      );
    },
    SLOW,
  );
});
