import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { MetricsService } from '@exec-metrics/metrics';
import { AdminPanelModule } from '../src/admin/admin-panel.module.js';
import { AppModule } from '../src/app.module.js';
import { readDemoEnvironment } from '../src/demo-environment.js';
import { ownDatabase } from './support/own-database.js';
import { insertSourceRows } from './support/source-rows.js';
import {
  attribute,
  launchChromium,
  logIn,
  screenshotWhole,
  seriousViolations,
  sidewaysOverflow,
  waitForDashboard,
} from './support/panel-browser.js';

/**
 * The dashboard's drill-downs, the grouped configuration form and the themes in a real browser, on the demo app.
 * Manual revenue (the same ledger as Stripe's), by hand for April 2025:
 *   acme   a-1 $100 from 03-20, $150 from 04-10 (expansion 50); a-2 $50 from 04-05 (new)   → MRR 200 on 04-30
 *   globex g-1 $300 from 03-01, $0 from 04-20 (churn 300);       g-2 $80 from 04-12 (new)   → MRR 80
 *   initech no revenue; logins: initech 3 users, globex 2, acme 1 in April (MAU on 04-30).
 * MRR growth over April: acme (200 − 100) ÷ 100 = +100 %, globex (80 − 300) ÷ 300 = −73.33 %, initech none.
 * Globally: MRR 400 at the start, new 130, expansion 50, churn 300, MRR 280 at the end.
 */
const PREFIX = '/api/system/metrics';
const SLOW = 240_000;
const APRIL = { start: '2025-04-01', end: '2025-04-30' };
const GLOBAL = { ...APRIL, tenant: null, bucket: 'daily' };
const SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
];

describe('AdminJS panel: tenants drill-down, waterfall links, MRR by plan, configuration form, themes', () => {
  const postgres = process.env.TEST_DATABASE_URL ? ownDatabase(process.env.TEST_DATABASE_URL, 'drill') : undefined;
  const environment = readDemoEnvironment({
    DATABASE_URL: postgres?.url,
    PGLITE_DIR: 'memory://',
    DEMO_DATA: 'off',
    ADMIN_EMAIL: 'ceo@example.com',
    ADMIN_PASSWORD: 'panel-password',
    METRICS_ADMIN_TOKEN: 'drill-admin-token',
    METRICS_INGEST_TOKEN: 'drill-ingest-token',
    METRICS_SCHEDULE: 'off',
  });
  let app: NestExpressApplication;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${PREFIX}/${path}`, {
      method,
      headers: { authorization: `Bearer ${environment.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect([path, response.status < 300]).toEqual([path, true]);
    return (await response.json()) as T;
  };
  const setRange = async (start: string, end: string) => {
    await page.fill('[data-testid=filter-start]', start);
    await page.fill('[data-testid=filter-end]', end);
  };
  const rankedTenants = () =>
    page.$$eval('[data-testid=tenants-table] tbody tr', (rows) =>
      rows.map((row) => row.getAttribute('data-testid')!.replace('tenant-row-', '')),
    );

  beforeAll(async () => {
    await postgres?.create();
    app = await NestFactory.create<NestExpressApplication>(AppModule.forEnvironment(environment), {
      rawBody: true,
      logger: ['error'],
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const entry = (customer: string, tenant: string, mrr: number, effective_date: string) => ({
      customer,
      tenant,
      mrr,
      effective_date,
    });
    await api('POST', 'revenue/entries/batch', {
      entries: [
        entry('a-1', 'acme', 100, '2025-03-20'),
        entry('a-1', 'acme', 150, '2025-04-10'),
        entry('a-2', 'acme', 50, '2025-04-05'),
        entry('g-1', 'globex', 300, '2025-03-01'),
        entry('g-1', 'globex', 0, '2025-04-20'),
        entry('g-2', 'globex', 80, '2025-04-12'),
      ],
    });
    await insertSourceRows(app.get(DataSource), {
      activity: [
        ['initech', 'i1', '2025-04-03T09:00:00Z'],
        ['initech', 'i2', '2025-04-04T09:00:00Z'],
        ['initech', 'i3', '2025-04-28T09:00:00Z'],
        ['globex', 'g1', '2025-04-10T09:00:00Z'],
        ['globex', 'g2', '2025-04-11T09:00:00Z'],
        ['acme', 'a1', '2025-04-15T09:00:00Z'],
      ],
    });
    await app.get(MetricsService).computeRange({ start: '2025-03-01', end: '2025-04-30' });
    await app.get(AdminPanelModule).bundleComponents();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: SIZES[0], colorScheme: 'light' });
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (error) => errors.push(error.message));
    mkdirSync('test-output', { recursive: true });
    await logIn(page, baseUrl, environment.adminEmail, environment.adminPassword);
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await postgres?.drop();
  });

  it(
    'ranks the tenants by MRR, active users and growth with sparklines; a tenant opens its dashboard',
    async () => {
      await setRange(APRIL.start, APRIL.end);
      await waitForDashboard(page, GLOBAL);
      await page.waitForSelector('[data-testid=tenant-row-initech]');
      expect(await rankedTenants()).toEqual(['acme', 'globex', 'initech']);
      expect(await attribute(page, 'tenant-mrr-acme', 'data-value')).toBe('200');
      expect(await attribute(page, 'tenant-mrr-globex', 'data-value')).toBe('80');
      expect(await attribute(page, 'tenant-growth-acme', 'data-value')).toBe('100');
      expect(await attribute(page, 'tenant-growth-globex', 'data-value')).toBe('-73.33');
      expect(await attribute(page, 'tenant-growth-initech', 'data-value')).toBe('null');
      expect(await page.textContent('[data-testid=tenant-growth-globex]')).toBe('▼73.33%');
      // One point a day of April, each a day with snapshots.
      expect(await attribute(page, 'tenant-spark-acme', 'data-points')).toBe('30');

      await page.click('[data-testid=tenants-sort-active_users]');
      await page.waitForSelector('[data-testid=tenants-table] table[data-sort=active_users]');
      await page.waitForFunction(
        () =>
          document.querySelector('[data-testid=tenants-table] tbody tr')?.getAttribute('data-testid') ===
          'tenant-row-initech',
      );
      expect(await rankedTenants()).toEqual(['initech', 'globex', 'acme']);
      expect(await attribute(page, 'tenant-users-initech', 'data-value')).toBe('3');
      await page.click('[data-testid=tenants-sort-growth]');
      await page.waitForFunction(
        () =>
          document.querySelector('[data-testid=tenants-table] tbody tr')?.getAttribute('data-testid') ===
          'tenant-row-acme',
      );
      expect(await rankedTenants()).toEqual(['acme', 'globex', 'initech']);
      expect(await seriousViolations(page, '[data-testid=tenants-table]')).toEqual([]);

      await page.click('[data-testid=tenant-open-globex]');
      await waitForDashboard(page, { ...GLOBAL, tenant: 'globex' });
      expect(await page.textContent('[data-testid=filter-tenant-current]')).toBe('globex');
      expect(await page.isVisible('[data-testid=tenants-table]')).toBe(false);
      await page.fill('[data-testid=tenant-search]', '');
      await page.click('[data-testid=tenant-option-all]');
      await waitForDashboard(page, GLOBAL);
    },
    SLOW,
  );

  it(
    'draws MRR by plan stacked, adding up to MRR; the waterfall bars lead to the customers behind them',
    async () => {
      await page.waitForSelector(`[data-testid=chart-mrr_by_plan][data-loaded='${JSON.stringify(GLOBAL)}']`);
      // Manual revenue is the plan "manual": 400 on 04-01 (a-1 100 + g-1 300), 280 on 04-30.
      expect(JSON.parse(await attribute(page, 'chart-mrr_by_plan', 'data-plans'))).toEqual(['manual']);
      const rows = JSON.parse(await attribute(page, 'chart-mrr_by_plan', 'data-rows')) as Record<string, unknown>[];
      expect([rows.length, rows[0], rows[29]]).toEqual([
        30,
        { date: '2025-04-01', manual: 400 },
        { date: '2025-04-30', manual: 280 },
      ]);

      const churn = await attribute(page, 'waterfall-link-mrr_churn', 'href');
      expect(churn).toBe('/admin/pages/Revenue?movement=churn&start=2025-04-01&end=2025-04-30#movement-customers');
      // A click on the red churn bar itself (contraction is 0 here, so it is the only red bar).
      await Promise.all([
        page.waitForURL(/\/admin\/pages\/Revenue\?movement=churn/),
        page.locator('[data-testid=chart-mrr_waterfall] path[fill="#D92D20"]').first().click(),
      ]);
      await page.waitForSelector('[data-testid=movement-row-g-1]');
      expect(await attribute(page, 'movement-row-g-1', 'data-amount')).toBe('300');
      expect(await attribute(page, 'movement-total', 'data-value')).toBe('300');

      await page.goto(`${baseUrl}/admin`);
      await setRange(APRIL.start, APRIL.end);
      await waitForDashboard(page, GLOBAL);
      await page.click('[data-testid=waterfall-link-mrr_new]');
      await page.waitForSelector('[data-testid=movement-row-g-2]');
      const newCustomers = await page.$$eval('[data-testid=movement-table] tbody tr', (trs) =>
        trs.map((tr) => [tr.getAttribute('data-testid'), tr.getAttribute('data-amount')]),
      );
      expect(newCustomers).toEqual([
        ['movement-row-g-2', '80'],
        ['movement-row-a-2', '50'],
      ]);
      expect(await attribute(page, 'movement-total', 'data-value')).toBe('130');
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await screenshotWhole(page, `test-output/revenue-movement-${size.width}x${size.height}.png`);
      }
      await page.setViewportSize(SIZES[0]);
    },
    SLOW,
  );

  it(
    'groups the configuration form with labels, units and help; pickers and key/value editors save through the API',
    async () => {
      const [{ id }] = await app.get(DataSource).query<{ id: string }[]>('SELECT id FROM system_metrics_config');
      await page.goto(`${baseUrl}/admin/resources/MetricsConfigEntity/records/${id}/edit`);
      await page.waitForSelector('[data-testid=config-form]');
      const groups = await page.$$eval('[data-testid^=config-group-]', (sections) =>
        sections.map((section) => section.getAttribute('data-testid')),
      );
      expect(groups).toEqual(
        ['alerts', 'financial', 'conventions', 'sources', 'activation', 'ai-prices', 'currency', 'record'].map(
          (group) => `config-group-${group}`,
        ),
      );
      expect(await page.textContent('label[for=config-churn_spike_threshold_pct]')).toBe('Customer churn (%)');
      expect(await page.textContent('[data-testid=config-intro-conventions]')).toContain('Finance tools count revenue');
      expect(await page.textContent('[data-testid=config-group-conventions]')).toContain('Stripe Billing');
      const zones = await page.$$eval('[data-testid=config-timezone] option', (options) =>
        options.map((o) => o.textContent),
      );
      expect(zones.length).toBeGreaterThan(300);
      expect(zones).toContain('Europe/Paris');
      const currencies = await page.$$eval('[data-testid=config-currency] option', (options) =>
        options.map((o) => o.textContent),
      );
      expect(currencies).toContain('EUR — Euro');
      expect(await seriousViolations(page, '[data-testid=config-form]')).toEqual([]);

      // A bad rate is refused by the API, named under the rates editor, and nothing is stored.
      await page.click('[data-testid=config-currency_rates-add]');
      await page.selectOption('[data-testid=config-currency_rates-currency-0]', 'GBP');
      await page.fill('[data-testid=config-currency_rates-rate-0]', '-1');
      await page.click('[data-testid=config-save]');
      await page.waitForSelector('[data-testid=config-error-currency_rates]');
      expect((await api<{ currency_rates: object }>('GET', 'config')).currency_rates).toEqual({});

      await page.fill('[data-testid=config-currency_rates-rate-0]', '1.27');
      await page.click('[data-testid=config-ai_prices-add]');
      const last = Number(await attribute(page, 'config-ai_prices', 'data-rows')) - 1;
      await page.fill(`[data-testid=config-ai_prices-model-${last}]`, 'claude-test');
      await page.fill(`[data-testid=config-ai_prices-input-${last}]`, '3');
      await page.fill(`[data-testid=config-ai_prices-output-${last}]`, '15');
      await page.selectOption('[data-testid=config-timezone]', 'Europe/Paris');
      await page.click('[data-testid=config-save]');
      await page.waitForSelector('[data-testid=config-saved]');
      const saved = await api<{
        timezone: string;
        currency_rates: Record<string, number>;
        ai_prices: Record<string, unknown>;
      }>('GET', 'config');
      expect(saved.timezone).toBe('Europe/Paris');
      expect(saved.currency_rates).toEqual({ GBP: 1.27 });
      expect(saved.ai_prices['claude-test']).toEqual({ input_per_1m: 3, output_per_1m: 15 });
      const [audit] = await app
        .get(DataSource)
        .query<{ changes: Record<string, { before: unknown; after: unknown }> }[]>(
          `SELECT changes FROM metrics_audit_log WHERE action = 'config_change' AND outcome = 200 ORDER BY id DESC LIMIT 1`,
        );
      expect(Object.keys(audit.changes).sort()).toEqual(['ai_prices', 'currency_rates', 'timezone']);
      expect(audit.changes.timezone).toEqual({ before: 'UTC', after: 'Europe/Paris' });
      // Back to UTC, so the days of the other tests stay the days computed above.
      await api('PATCH', 'config', { timezone: 'UTC' });
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await screenshotWhole(page, `test-output/config-form-${size.width}x${size.height}.png`);
      }
      await page.setViewportSize(SIZES[0]);
    },
    SLOW,
  );

  it(
    'follows the system colour scheme, and a chosen theme is remembered; both themes pass the accessibility check',
    async () => {
      const theme = () => page.evaluate(() => document.documentElement.dataset.emTheme);
      const background = () =>
        page.$eval('[data-testid=metrics-dashboard]', (element) => getComputedStyle(element).backgroundColor);
      await page.goto(`${baseUrl}/admin`);
      await page.evaluate(() => localStorage.removeItem('exec-metrics-theme'));
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.reload();
      await setRange(APRIL.start, APRIL.end);
      await waitForDashboard(page, GLOBAL);
      expect(await theme()).toBe('dark');
      expect(await background()).toBe('rgb(12, 17, 29)');
      expect(await page.inputValue('[data-testid=theme-toggle]')).toBe('system');
      await page.waitForSelector('[data-testid=tenant-row-initech]');
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await screenshotWhole(page, `test-output/dashboard-dark-${size.width}x${size.height}.png`);
      }
      await page.setViewportSize(SIZES[0]);
      const darkViolations = await seriousViolations(page, '[data-testid=metrics-dashboard]');
      expect(darkViolations).toEqual([]);

      // AdminJS's chrome was drawn dark: the page loads again, light.
      await Promise.all([page.waitForEvent('load'), page.selectOption('[data-testid=theme-toggle]', 'light')]);
      await page.waitForSelector('[data-testid=metrics-dashboard]');
      expect(await theme()).toBe('light');
      expect(await background()).toBe('rgb(246, 247, 251)');
      await page.reload();
      expect(await page.evaluate(() => localStorage.getItem('exec-metrics-theme'))).toBe('light');
      await setRange(APRIL.start, APRIL.end);
      await waitForDashboard(page, GLOBAL);
      expect(await theme()).toBe('light');
      expect(await page.inputValue('[data-testid=theme-toggle]')).toBe('light');
      await page.waitForSelector('[data-testid=tenant-row-initech]');
      expect(await seriousViolations(page, '[data-testid=metrics-dashboard]')).toEqual([]);

      // On a phone each tenant is a card (rank, name, trend; then MRR, users, growth under their labels): nothing in
      // the table is wider than the screen, and nothing scrolls sideways.
      await page.setViewportSize(SIZES[1]);
      const card = (await page.locator('[data-testid=tenants-table]').boundingBox())!;
      expect(card.x + card.width).toBeLessThanOrEqual(390);
      expect(await sidewaysOverflow(page, ['[data-testid=cohort-scroller]'])).toEqual([]);
      const acme = await page.$$eval('[data-testid=tenant-row-acme] td', (cells) =>
        cells.map((cell) => {
          const box = cell.getBoundingClientRect();
          return { label: cell.getAttribute('data-label'), right: box.right <= 390, top: Math.round(box.top) };
        }),
      );
      // Rank, name and trend on one line; the three numbers, labelled, on the next.
      expect(acme.map((cell) => cell.right)).toEqual([true, true, true, true, true, true]);
      expect(acme.filter((cell) => cell.label).map((cell) => cell.label)).toEqual([
        'MRR',
        'Active users',
        'MRR growth',
      ]);
      expect(acme[2].top).toBeGreaterThan(acme[1].top);
      expect(
        await page.$eval('[data-testid=tenant-mrr-acme]', (cell) => getComputedStyle(cell, '::before').content),
      ).toBe('"MRR"');
      await page.locator('[data-testid=tenants-table]').screenshot({ path: 'test-output/tenants-table-390x844.png' });
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await screenshotWhole(page, `test-output/dashboard-drilldown-${size.width}x${size.height}.png`);
      }
      await page.setViewportSize(SIZES[0]);
      await Promise.all([page.waitForEvent('load'), page.selectOption('[data-testid=theme-toggle]', 'system')]);
      expect(await theme()).toBe('dark');
      expect(await page.evaluate(() => localStorage.getItem('exec-metrics-theme'))).toBeNull();
      expect(errors).toEqual([]);
    },
    SLOW,
  );
});
