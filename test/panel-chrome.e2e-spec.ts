import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { MetricsService } from '@exec-metrics/metrics';
import { AdminPanelModule } from '../src/admin/admin-panel.module.js';
import { createDemoApp } from '../src/demo-app.js';
import { readDemoEnvironment } from '../src/demo-environment.js';
import { ownDatabase } from './support/own-database.js';
import { insertSourceRows } from './support/source-rows.js';
import {
  launchChromium,
  logIn,
  screenshotWhole,
  seriousViolations,
  sidewaysOverflow,
  waitForDashboard,
} from './support/panel-browser.js';

/**
 * AdminJS's own chrome in both themes and every panel page on a phone, on the demo app as `npm start` serves it
 * (createDemoApp: security headers included). For each page, in light and dark, at 1440×900 and 390×844: the
 * sidebar, top bar and content are drawn in the theme's colours, axe-core finds no serious violation on the whole
 * page, nothing scrolls sideways or is cut off at 390 px (the cohort heatmap scrolls on purpose), no page error;
 * a screenshot of each goes to test-output/.
 */
const PREFIX = '/api/system/metrics';
const SLOW = 600_000;
const APRIL = { start: '2025-04-01', end: '2025-04-30' };
const SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
];
/** The page background of each theme (AdminJS's `bg`, our `--em-page`). */
const PAGE_BACKGROUND = { light: 'rgb(248, 249, 249)', dark: 'rgb(12, 17, 29)' };
/** AdminJS's sidebar and top bar surface (design system `sidebar`/`container`). */
const SURFACE = { light: 'rgb(255, 255, 255)', dark: 'rgb(22, 27, 38)' };

describe('AdminJS panel: its own chrome in both themes, every page on a phone', () => {
  const postgres = process.env.TEST_DATABASE_URL ? ownDatabase(process.env.TEST_DATABASE_URL, 'chrome') : undefined;
  const environment = readDemoEnvironment({
    DATABASE_URL: postgres?.url,
    PGLITE_DIR: 'memory://',
    DEMO_DATA: 'off',
    ADMIN_EMAIL: 'ceo@example.com',
    ADMIN_PASSWORD: 'panel-password',
    METRICS_ADMIN_TOKEN: 'chrome-admin-token',
    METRICS_INGEST_TOKEN: 'chrome-ingest-token',
    METRICS_SCHEDULE: 'off',
  });
  let app: NestExpressApplication;
  let baseUrl: string;
  let browser: Browser;
  const pages: [string, string, string, string | null][] = [];

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${PREFIX}/${path}`, {
      method,
      headers: { authorization: `Bearer ${environment.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect([path, response.status < 300]).toEqual([path, true]);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    await postgres?.create();
    app = await createDemoApp(environment, { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await api('POST', 'revenue/entries/batch', {
      entries: [
        { customer: 'a-1', tenant: 'acme', mrr: 100, effective_date: '2025-03-20' },
        { customer: 'a-1', tenant: 'acme', mrr: 150, effective_date: '2025-04-10' },
        { customer: 'g-1', tenant: 'globex', mrr: 300, effective_date: '2025-03-01' },
        { customer: 'g-1', tenant: 'globex', mrr: 0, effective_date: '2025-04-20' },
      ],
    });
    await insertSourceRows(app.get(DataSource), {
      lifecycle: [
        ['acme', 'a1', 'signup', '2025-04-01T10:00:00Z'],
        ['globex', 'g1', 'signup', '2025-04-05T10:00:00Z'],
      ],
      activity: [
        ['acme', 'a1', '2025-04-02T09:00:00Z'],
        ['acme', 'a1', '2025-04-15T09:00:00Z'],
        ['globex', 'g1', '2025-04-10T09:00:00Z'],
      ],
    });
    await app.get(MetricsService).computeRange({ start: '2025-03-01', end: '2025-04-30' });
    // An audited change, so that the audit log has a record page with parameters.
    await api('POST', 'annotations', { day: '2025-04-10', label: 'Pricing change' });
    const dataSource = app.get(DataSource);
    const [audit] = await dataSource.query<{ id: string }[]>(
      `SELECT id FROM metrics_audit_log WHERE action = 'annotation_change' ORDER BY at DESC LIMIT 1`,
    );
    const [config] = await dataSource.query<{ id: string }[]>('SELECT id FROM system_metrics_config');
    // [name, path, what shows the page is drawn ("list:<resource>": AdminJS's list of it, rows or "No records"), the
    // module's own component on it (every axe rule; AdminJS's chrome around it is checked for contrast)].
    const list = (resource: string): [string, string, null] => [
      `/admin/resources/${resource}`,
      `list:${resource}`,
      null,
    ];
    pages.push(
      // The cohorts load after the first view: the page is whole when they are in.
      ['dashboard', '/admin', '[data-testid=cohort-heatmap][data-loaded=null]', '[data-testid=metrics-dashboard]'],
      ['revenue', '/admin/pages/Revenue', '[data-testid=customers-table]', '[data-testid=revenue-page]'],
      ['backfill', '/admin/pages/Backfill', '[data-testid=runs-page]', '[data-testid=runs-page]'],
      [
        'config-edit',
        `/admin/resources/MetricsConfigEntity/records/${config.id}/edit`,
        '[data-testid=config-form]',
        '[data-testid=config-form]',
      ],
      ['config-list', ...list('MetricsConfigEntity')],
      ['snapshots', ...list('MetricsSnapshot')],
      ['cohorts', ...list('CohortRetention')],
      ['runs', ...list('MetricsRun')],
      ['activation-events', ...list('ActivationEvent')],
      ['audit-list', ...list('MetricsAuditLog')],
      [
        'audit-record',
        `/admin/resources/MetricsAuditLog/records/${audit.id}/show`,
        '[data-testid=audit-record]',
        '[data-testid=audit-record]',
      ],
      ['tokens', ...list('MetricsApiToken')],
      ['token-new', '/admin/resources/MetricsApiToken/actions/new', '[data-css=app-content] form', null],
      ['alerts', ...list('MetricsAlert')],
      ['alert-deliveries', ...list('MetricsAlertDelivery')],
      ['alert-rules', ...list('MetricsAlertRule')],
    );
    await app.get(AdminPanelModule).bundleComponents();
    browser = await launchChromium();
    mkdirSync('test-output', { recursive: true });
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await postgres?.drop();
  });

  /** A browser whose system scheme is `theme` and whose stored choice is "System". */
  async function session(theme: 'light' | 'dark'): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: SIZES[0], colorScheme: theme });
    const page = await context.newPage();
    page.setDefaultTimeout(90_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { context, page, errors };
  }

  const colours = (page: Page) =>
    page.evaluate(() => {
      const background = (element: Element | null) => (element ? getComputedStyle(element).backgroundColor : null);
      return {
        theme: document.documentElement.dataset.emTheme,
        sidebar: background(document.querySelector('[data-css=sidebar]')),
        topbar: background(document.querySelector('[data-css=topbar]')),
      };
    });

  for (const theme of ['light', 'dark'] as const) {
    it(
      `draws the login page and every panel page in the ${theme} theme, fitting a phone, with no serious axe violation`,
      async () => {
        // The login page, to a visitor without a session.
        const visitor = await session(theme);
        for (const size of SIZES) {
          await visitor.page.setViewportSize(size);
          await visitor.page.goto(`${baseUrl}/admin/login`);
          await visitor.page.waitForSelector('form button');
          // With the page's errors: a components bundle that throws in the browser shows here first.
          const drawnTheme = await visitor.page.evaluate(() => document.documentElement.dataset.emTheme);
          expect({ theme: drawnTheme, errors: visitor.errors }).toEqual({ theme, errors: [] });
          expect(await sidewaysOverflow(visitor.page)).toEqual([]);
          await visitor.page.screenshot({ path: `test-output/chrome-${theme}-login-${size.width}x${size.height}.png` });
        }
        expect(await seriousViolations(visitor.page, 'body', ['color-contrast'])).toEqual([]);
        expect(visitor.errors).toEqual([]);
        await visitor.context.close();

        const { context, page, errors } = await session(theme);
        await logIn(page, baseUrl, environment.adminEmail, environment.adminPassword);
        const problems: object[] = [];
        for (const [name, path, drawn, own] of pages) {
          for (const size of SIZES) {
            await page.setViewportSize(size);
            await page.goto(`${baseUrl}${path}`);
            if (drawn.startsWith('list:')) {
              await page.waitForFunction(
                (resource) =>
                  document.querySelector(`[data-css="${resource}-table"]`) !== null ||
                  (document.querySelector(`[data-css="${resource}-list"]`)?.textContent ?? '').includes('No records'),
                drawn.slice('list:'.length),
              );
            } else await page.waitForSelector(drawn);
            // AdminJS's spinner while a list or record loads.
            await page.waitForFunction(() => document.querySelector('.lds-facebook') === null);
            if (name === 'dashboard') {
              await page.fill('[data-testid=filter-start]', APRIL.start);
              await page.fill('[data-testid=filter-end]', APRIL.end);
              await waitForDashboard(page, { ...APRIL, tenant: null, bucket: 'daily' });
              await page.waitForSelector('[data-testid=tenant-row-globex]');
            }
            const drawnIn = await colours(page);
            expect([name, drawnIn.theme]).toEqual([name, theme]);
            if (size.width === 1440) expect([name, drawnIn.sidebar]).toEqual([name, SURFACE[theme]]);
            expect([name, drawnIn.topbar]).toEqual([name, SURFACE[theme]]);
            const background = await page.$eval(
              '[data-css=app-content]',
              (content) => getComputedStyle(content).backgroundColor,
            );
            expect([name, background]).toEqual([name, PAGE_BACKGROUND[theme]]);
            if (size.width === 390) {
              const overflow = await sidewaysOverflow(page, ['[data-testid=cohort-scroller]']);
              if (overflow.length > 0) problems.push({ page: name, overflow });
            }
            await screenshotWhole(page, `test-output/chrome-${theme}-${name}-${size.width}x${size.height}.png`);
            // Contrast and named controls everywhere (AdminJS's filter inputs and icon-only pagination buttons are
            // named by components/label-admin-controls.ts); every rule on our own components.
            const violations = [
              ...(await seriousViolations(page, 'body', ['color-contrast', 'label', 'button-name', 'select-name'])),
              ...(own ? await seriousViolations(page, own) : []),
            ];
            if (violations.length > 0) problems.push({ page: name, width: size.width, violations });
          }
        }
        expect(problems).toEqual([]);
        expect(errors).toEqual([]);
        await context.close();
      },
      SLOW,
    );
  }

  it(
    'switches AdminJS chrome with the theme select: the choice is stored and the page drawn again in it',
    async () => {
      const { context, page, errors } = await session('light');
      await logIn(page, baseUrl, environment.adminEmail, environment.adminPassword);
      await page.waitForSelector('[data-testid=metrics-dashboard][data-state=ready]');
      expect((await colours(page)).sidebar).toBe(SURFACE.light);
      // Filters chosen before the switch are kept across its reload (they live in the page's address).
      await page.fill('[data-testid=filter-start]', APRIL.start);
      await page.fill('[data-testid=filter-end]', APRIL.end);
      await page.selectOption('[data-testid=filter-bucket]', 'weekly');
      const chosen = { ...APRIL, tenant: null, bucket: 'weekly' };
      await waitForDashboard(page, chosen);
      await Promise.all([page.waitForEvent('load'), page.selectOption('[data-testid=theme-toggle]', 'dark')]);
      await waitForDashboard(page, chosen);
      expect(await page.inputValue('[data-testid=filter-preset]')).toBe('custom');
      expect(await page.inputValue('[data-testid=filter-bucket]')).toBe('weekly');
      expect(new URL(page.url()).search).toBe(`?preset=custom&start=${APRIL.start}&end=${APRIL.end}&bucket=weekly`);
      expect(await colours(page)).toEqual({ theme: 'dark', sidebar: SURFACE.dark, topbar: SURFACE.dark });
      expect(await page.evaluate(() => localStorage.getItem('exec-metrics-theme'))).toBe('dark');
      // A list page of AdminJS's own, opened afterwards, is dark too.
      await page.goto(`${baseUrl}/admin/resources/MetricsSnapshot`);
      await page.waitForSelector('table');
      expect(await colours(page)).toEqual({ theme: 'dark', sidebar: SURFACE.dark, topbar: SURFACE.dark });
      // Back to the system's (light) scheme.
      await page.goto(`${baseUrl}/admin`);
      await page.waitForSelector('[data-testid=metrics-dashboard][data-state=ready]');
      await Promise.all([page.waitForEvent('load'), page.selectOption('[data-testid=theme-toggle]', 'system')]);
      await page.waitForSelector('[data-testid=metrics-dashboard][data-state=ready]');
      expect(await colours(page)).toEqual({ theme: 'light', sidebar: SURFACE.light, topbar: SURFACE.light });
      expect(await page.evaluate(() => localStorage.getItem('exec-metrics-theme'))).toBeNull();
      expect(errors).toEqual([]);
      await context.close();
    },
    SLOW,
  );
});
