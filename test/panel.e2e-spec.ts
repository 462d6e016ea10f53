import 'reflect-metadata';
import { parse } from 'csv-parse/sync';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { AlertEvaluator, MetricsService } from '@exec-metrics/metrics';
import { AdminPanelModule } from '../src/admin/admin-panel.module.js';
import { AppModule } from '../src/app.module.js';
import { readDemoEnvironment } from '../src/demo-environment.js';
import { FakeStripe } from './support/fake-stripe.js';
import { insertSourceRows } from './support/source-rows.js';
import { customer, epoch, subscription } from './support/stripe-fixtures.js';
import {
  attribute,
  launchChromium,
  logIn,
  screenshotWhole,
  seriousViolations,
  shownNumber,
  waitForDashboard,
  type DashboardQuery,
} from './support/panel-browser.js';

const PREFIX = '/api/system/metrics';

/** A fresh database on the test server, for an app that cannot be told a schema (the demo's AppModule). */
function ownDatabase(serverUrl: string) {
  const name = `panel_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  const admin = () => new pg.Client({ connectionString: serverUrl });
  const run = async (sql: string) => {
    const client = admin();
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    create: () => run(`CREATE DATABASE ${name}`),
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
const KPIS = [
  'mrr',
  'mrr_net_new',
  'nrr',
  'grr',
  'paying_customers',
  'arpa',
  'quick_ratio',
  'runway_months',
  'total_customers',
  'new_customers',
  'dau',
  'mau',
  'stickiness',
  'customer_churn_rate',
  'job_success_rate',
  'ai_cost_usd',
];
const CHARTS: Record<string, string[]> = {
  active_users: ['dau', 'wau', 'mau'],
  customers: ['new_customers', 'reactivated_customers', 'churned_customers', 'total_customers'],
  mrr: ['mrr_new', 'mrr_expansion', 'mrr_reactivation', 'mrr_contraction', 'mrr_churn', 'mrr'],
  jobs: ['jobs_succeeded', 'jobs_failed'],
  api: ['api_requests_total', 'api_errors_total', 'api_avg_latency_ms', 'api_p95_latency_ms'],
  ai: ['ai_tokens_used', 'ai_cost_usd'],
};
/** Browser steps wait on real rendering and real runs: generous, as the suite runs on a shared machine. */
const SLOW = 180_000;
const APRIL = { start: '2025-04-01', end: '2025-04-30' };

/** The demo host as main.ts builds it, on a free loopback port. */
async function startDemo(environment: ReturnType<typeof readDemoEnvironment>) {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forEnvironment(environment), {
    rawBody: true,
    logger: ['error'],
  });
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return { app, baseUrl, dataSource: app.get(DataSource) };
}

type Summary = {
  range: { days: number; days_with_data: number };
  metrics: Record<string, number | null>;
  per: Record<string, string>;
  alerts: { metric: string; severity: string }[];
};
type Point = { date: string; value: number | null; complete: boolean };

/** The real demo app (AppModule, AdminJS panel, shared session) on in-memory PGlite, on a free port. */
describe('AdminJS panel in a real browser', () => {
  // On PostgreSQL (TEST_DATABASE_URL, as `npm run test:pg` sets it) the demo gets a database of its own.
  const postgres = process.env.TEST_DATABASE_URL ? ownDatabase(process.env.TEST_DATABASE_URL) : undefined;
  const environment = readDemoEnvironment({
    DATABASE_URL: postgres?.url,
    PGLITE_DIR: 'memory://',
    DEMO_DATA: 'off',
    ADMIN_EMAIL: 'ceo@example.com',
    ADMIN_PASSWORD: 'panel-password',
    METRICS_ADMIN_TOKEN: 'panel-admin-token',
    METRICS_INGEST_TOKEN: 'panel-ingest-token',
    // No cron catch-up computing days behind the test's back: the test computes what it shows.
    METRICS_SCHEDULE: 'off',
  });
  let app: NestExpressApplication;
  let baseUrl: string;
  let dataSource: DataSource;
  let browser: Browser;
  let page: Page;

  const api = async (path: string, params: Record<string, string | number | null> = {}, token?: string | null) => {
    const query = new URLSearchParams(
      Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== null) as [
        string,
        string,
      ][],
    );
    const response = await fetch(`${baseUrl}${PREFIX}/${path}?${query}`, {
      headers: token === null ? {} : { authorization: `Bearer ${token ?? environment.adminToken}` },
    });
    return { status: response.status, text: await response.text() };
  };
  const apiJson = async <T>(path: string, params: Record<string, string | number | null> = {}) =>
    JSON.parse((await api(path, params)).text) as T;

  /** Every KPI card, chart, alert and cohort cell against the API's answer for the same filters. */
  async function expectPanelMatchesApi(query: DashboardQuery): Promise<Summary> {
    await waitForDashboard(page, query);
    const filters = { start: query.start, end: query.end, tenant: query.tenant, bucket: query.bucket };
    const summary = await apiJson<Summary>('summary', filters);
    const length = (Date.parse(query.end) - Date.parse(query.start)) / 86_400_000 + 1;
    const before = {
      ...filters,
      start: new Date(Date.parse(query.start) - length * 86_400_000).toISOString().slice(0, 10),
      end: new Date(Date.parse(query.start) - 86_400_000).toISOString().slice(0, 10),
    };
    const previous = await apiJson<Summary>('summary', before);
    const units = Object.fromEntries(
      (await apiJson<{ metrics: { key: string; unit: string }[] }>('catalog')).metrics.map((m) => [m.key, m.unit]),
    );
    // metrics.md: no comparison without snapshots for 90% of the previous period's days; percentages in points.
    const history = previous.range.days_with_data >= 0.9 * previous.range.days;
    for (const key of KPIS) {
      expect([key, await shownNumber(page, `kpi-${key}-value`)]).toEqual([key, summary.metrics[key]]);
      const now = summary.metrics[key];
      const then = previous.metrics[key];
      if (now === null) continue;
      if (!history) {
        expect([key, await attribute(page, `kpi-${key}-change`, 'data-reason')]).toEqual([key, 'no-history']);
        expect(await page.textContent(`[data-testid=kpi-${key}-change]`)).toBe('not enough history to compare');
      } else if (then !== null && units[key] === 'percent') {
        const points = Math.round((now - then) * 10) / 10;
        expect([key, await shownNumber(page, `kpi-${key}-change`)]).toEqual([key, points]);
        expect(await attribute(page, `kpi-${key}-change`, 'data-unit')).toBe('pt');
      } else if (then !== null && then !== 0) {
        const change = Math.round(((now - then) / Math.abs(then)) * 1000) / 10;
        expect([key, await shownNumber(page, `kpi-${key}-change`)]).toEqual([key, change]);
      }
    }
    for (const [key, per] of Object.entries(summary.per)) {
      if (!KPIS.includes(key) || summary.metrics[key] === null) continue;
      expect([key, await page.isVisible(`[data-testid=kpi-${key}-per-month]`)]).toEqual([key, per === 'month']);
    }
    const metrics = Object.values(CHARTS).flat().join(',');
    const timeseries = await apiJson<{ series: Record<string, Point[]> }>('timeseries', {
      ...filters,
      metric: metrics,
    });
    for (const [chart, keys] of Object.entries(CHARTS)) {
      const shown = JSON.parse(await attribute(page, `chart-${chart}`, 'data-series')) as Record<string, unknown>;
      const expected = Object.fromEntries(keys.map((key) => [key, timeseries.series[key].map((point) => point.value)]));
      expect([chart, shown]).toEqual([chart, expected]);
      const dates = JSON.parse(await attribute(page, `chart-${chart}`, 'data-dates')) as string[];
      expect(dates).toEqual(timeseries.series[keys[0]].map((point) => point.date));
      // The buckets still in progress are drawn "to date", exactly those the API marks incomplete.
      const toDate = JSON.parse(await attribute(page, `chart-${chart}`, 'data-to-date')) as string[];
      expect([chart, toDate]).toEqual([
        chart,
        timeseries.series[keys[0]].filter((point) => !point.complete).map((point) => point.date),
      ]);
    }
    expect(Number(await attribute(page, 'alerts', 'data-count'))).toBe(summary.alerts.length);
    for (const alert of summary.alerts) {
      expect(await attribute(page, `alert-${alert.metric}`, 'data-severity')).toBe(alert.severity);
    }
    const { cohorts } = await apiJson<{
      cohorts: { cohort_month: string; curve: { week: number; pct: number | null }[] }[];
    }>('cohorts', { tenant: query.tenant, months: 12 });
    for (const cohort of cohorts) {
      for (const point of cohort.curve) {
        expect(await shownNumber(page, `cohort-${cohort.cohort_month.slice(0, 7)}-w${point.week}`)).toBe(point.pct);
      }
    }
    return summary;
  }

  async function setRange(start: string, end: string): Promise<void> {
    await page.fill('[data-testid=filter-start]', start);
    await page.fill('[data-testid=filter-end]', end);
  }

  beforeAll(async () => {
    await postgres?.create();
    ({ app, baseUrl, dataSource } = await startDemo(environment));
    await insertSourceRows(dataSource, {
      lifecycle: [
        ['acme', 'u1', 'signup', '2025-04-01T10:00:00Z'],
        ['acme', 'u2', 'signup', '2025-04-02T10:00:00Z'],
        ['acme', 'u3', 'signup', '2025-04-10T10:00:00Z'],
        ['acme', 'u2', 'deactivate', '2025-04-15T10:00:00Z'],
        ['acme', 'u4', 'signup', '2025-05-02T10:00:00Z'],
        ['globex', 'g1', 'signup', '2025-04-05T10:00:00Z'],
        ['globex', 'g2', 'signup', '2025-04-06T10:00:00Z'],
      ],
      activity: [
        ['acme', 'u1', '2025-04-01T11:00:00Z'],
        ['acme', 'u1', '2025-04-02T11:00:00Z'],
        ['acme', 'u1', '2025-04-10T11:00:00Z'],
        ['acme', 'u3', '2025-04-10T12:00:00Z'],
        ['acme', 'u3', '2025-04-11T12:00:00Z'],
        ['globex', 'g1', '2025-04-05T11:00:00Z'],
      ],
      jobs: [
        ['acme', 'succeeded', '2025-04-02T11:00:00Z', '2025-04-02T11:00:10Z'],
        ['acme', 'failed', '2025-04-03T11:00:00Z', '2025-04-03T11:00:20Z'],
        ['globex', 'succeeded', '2025-04-05T11:00:00Z', '2025-04-05T11:00:05Z'],
      ],
      ai: [['acme', 'gpt-x', 1000, 500, '0.25', '2025-04-03T12:00:00Z']],
      api: [['acme', '2025-04-03T12:00:00Z', 3, 1, 1, 130, [0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]],
    });
    await app.get(MetricsService).computeRange({ start: '2025-03-01', end: '2025-04-30' });
    // Revenue as the Stripe ledger will write it (another issue): the panel must show it once it is not null.
    await dataSource.query(
      `UPDATE system_metrics_snapshot SET
         mrr = CASE WHEN bucket_date >= '2025-04-20' THEN 600 ELSE 500 END,
         arr = CASE WHEN bucket_date >= '2025-04-20' THEN 7200 ELSE 6000 END,
         mrr_new = CASE WHEN bucket_date = '2025-04-10' THEN 500 ELSE 0 END,
         mrr_expansion = CASE WHEN bucket_date = '2025-04-20' THEN 100 ELSE 0 END
       WHERE tenant_id = 'acme' AND bucket_type = 'daily' AND bucket_date BETWEEN '2025-04-10' AND '2025-04-30'`,
    );
    // Today's components, bundled before any browser opens the panel (minutes on a cold, busy machine).
    const bundleStarted = Date.now();
    await app.get(AdminPanelModule).bundleComponents();
    // AdminJS bundles into ADMIN_JS_TMP_DIR (CI gives each of its two concurrent passes its own).
    expect(statSync(join(process.env.ADMIN_JS_TMP_DIR ?? '.adminjs', 'bundle.js')).mtimeMs).toBeGreaterThanOrEqual(
      bundleStarted - 1000,
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page.setDefaultTimeout(60_000);
    mkdirSync('test-output', { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await postgres?.drop();
  });

  it(
    'refuses a non-admin: no session goes to the login page; the API answers 401 and 403',
    async () => {
      const anonymous = await browser.newPage();
      await anonymous.goto(`${baseUrl}/admin`);
      expect(anonymous.url()).toBe(`${baseUrl}/admin/login`);
      await anonymous.goto(`${baseUrl}/admin/resources/MetricsConfigEntity`);
      expect(anonymous.url()).toBe(`${baseUrl}/admin/login`);
      await anonymous.close();
      expect((await api('summary', APRIL, null)).status).toBe(401);
      expect((await api('tenants', {}, null)).status).toBe(401);
      expect((await api('summary', APRIL, environment.ingestToken)).status).toBe(403);
      // A wrong password is refused by the panel's login form.
      const intruder = await browser.newPage();
      await intruder.goto(`${baseUrl}/admin/login`);
      await intruder.fill('input[name=email]', environment.adminEmail);
      await intruder.fill('input[name=password]', 'wrong');
      await intruder.click('form button');
      await intruder.waitForSelector('input[name=password]');
      expect(intruder.url()).toBe(`${baseUrl}/admin/login`);
      await intruder.close();
    },
    SLOW,
  );

  it('lists tenants for the picker: searched, limited, validated and audited', async () => {
    expect(JSON.parse((await api('tenants')).text)).toEqual({ tenants: ['acme', 'globex'], total: 2 });
    expect(JSON.parse((await api('tenants', { search: 'GLO' })).text)).toEqual({ tenants: ['globex'], total: 1 });
    expect(JSON.parse((await api('tenants', { limit: 1 })).text)).toEqual({ tenants: ['acme'], total: 2 });
    expect(JSON.parse((await api('tenants', { search: 'zzz' })).text)).toEqual({ tenants: [], total: 0 });
    const badLimit = await api('tenants', { limit: 0 });
    expect(badLimit.status).toBe(400);
    expect(JSON.parse(badLimit.text).errors).toEqual([expect.objectContaining({ field: 'limit' })]);
    const badSearch = await api('tenants', { search: "a' OR 1=1" });
    expect(badSearch.status).toBe(400);
    expect(JSON.parse(badSearch.text).errors).toEqual([expect.objectContaining({ field: 'search' })]);
    const audit = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM metrics_audit_log WHERE route LIKE '%tenants' AND action = 'read'`,
    );
    expect(audit[0].n).toBeGreaterThanOrEqual(4);
  });

  it(
    'logs in and shows the empty state, then the numbers the API gives for the same filters',
    async () => {
      await logIn(page, baseUrl, environment.adminEmail, environment.adminPassword);
      const end = await page.inputValue('[data-testid=filter-end]');
      const start = await page.inputValue('[data-testid=filter-start]');
      await waitForDashboard(page, { start, end, tenant: null, bucket: 'daily' });
      // Nothing was computed in January 2024: the page says what to do.
      await setRange('2024-01-01', '2024-01-31');
      await waitForDashboard(page, { start: '2024-01-01', end: '2024-01-31', tenant: null, bucket: 'daily' });
      expect(await page.isVisible('[data-testid=dashboard-empty]')).toBe(true);

      await setRange(APRIL.start, APRIL.end);
      const summary = await expectPanelMatchesApi({ ...APRIL, tenant: null, bucket: 'daily' });
      // Hand-computed: 5 signups in April (acme 3, globex 2), one deactivation: 4 customers on 04-30.
      expect(summary.metrics.total_customers).toBe(4);
      expect(await shownNumber(page, 'kpi-total_customers-value')).toBe(4);
      // No revenue globally: the panel asks to connect Stripe instead of drawing zeros.
      expect(await page.isVisible('[data-testid=chart-mrr-connect-stripe]')).toBe(true);
      expect(await page.isVisible('[data-testid=chart-mrr_waterfall-connect-stripe]')).toBe(true);
      expect(await page.isVisible('[data-testid=kpi-mrr-hint]')).toBe(true);
      await screenshotWhole(page, 'test-output/dashboard-1440x900.png');
    },
    SLOW,
  );

  it(
    'changes the filters: a searched tenant, then weekly buckets; revenue shows once it exists',
    async () => {
      await page.fill('[data-testid=tenant-search]', 'acm');
      await page.click('[data-testid=tenant-option-acme]');
      const summary = await expectPanelMatchesApi({ ...APRIL, tenant: 'acme', bucket: 'daily' });
      expect(summary.metrics.total_customers).toBe(2);
      // Snapshots with revenue (as the billing ledger will write them): the MRR chart draws them instead of asking
      // to connect Stripe. (The KPI cards and the waterfall follow summary, checked against the API above.)
      expect(await shownNumber(page, 'chart-mrr-mrr-last')).toBe(600);
      // ARR is a number under MRR, not a second line that flattens MRR on a shared axis.
      expect(await page.textContent('[data-testid=kpi-mrr-arr]')).toBe('ARR $7,200');
      expect(await page.isVisible('[data-testid=chart-mrr-connect-stripe]')).toBe(false);

      // Ending on 04-15, the day u2 left: the latest snapshot's churn (1 of 3 customers) is a critical alert.
      await page.fill('[data-testid=filter-end]', '2025-04-15');
      const midApril = await expectPanelMatchesApi({
        start: APRIL.start,
        end: '2025-04-15',
        tenant: 'acme',
        bucket: 'daily',
      });
      expect(midApril.alerts).toEqual([
        expect.objectContaining({ metric: 'customer_churn_rate', severity: 'critical' }),
      ]);
      expect(await page.isVisible('[data-testid=alert-customer_churn_rate]')).toBe(true);
      await page.fill('[data-testid=filter-end]', APRIL.end);
      await waitForDashboard(page, { ...APRIL, tenant: 'acme', bucket: 'daily' });

      await page.selectOption('[data-testid=filter-bucket]', 'weekly');
      await expectPanelMatchesApi({ ...APRIL, tenant: 'acme', bucket: 'weekly' });
      await page.selectOption('[data-testid=filter-bucket]', 'auto');
      await waitForDashboard(page, { ...APRIL, tenant: 'acme', bucket: 'daily' });

      await page.setViewportSize({ width: 390, height: 844 });
      await screenshotWhole(page, 'test-output/dashboard-390x844.png');
      await page.setViewportSize({ width: 1440, height: 900 });
    },
    SLOW,
  );

  it(
    'exports a CSV with the dashboard filters, audited under the logged-in admin',
    async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
      const fromPanel = parse<Record<string, string>>(readFileSync(await download.path()), { columns: true });
      const fromApi = parse<Record<string, string>>(
        (await api('export.csv', { ...APRIL, tenant: 'acme', bucket: 'daily' })).text,
        {
          columns: true,
        },
      );
      expect(fromPanel).toEqual(fromApi);
      expect(fromPanel).toHaveLength(30);
      expect(fromPanel.find((row) => row.bucket_date === '2025-04-30')?.mrr).toBe('600.00');
      const audit = await dataSource.query<{ actor: string; actor_kind: string; params: Record<string, unknown> }[]>(
        `SELECT actor, actor_kind, params FROM metrics_audit_log WHERE action = 'export' ORDER BY id`,
      );
      expect(audit[0]).toMatchObject({ actor: environment.adminEmail, actor_kind: 'user' });
      expect(audit[0].params).toMatchObject({ ...APRIL, tenant: 'acme', bucket: 'daily' });
    },
    SLOW,
  );

  it(
    'runs a backfill from the form and follows it until it has finished',
    async () => {
      await page.goto(`${baseUrl}/admin/pages/Backfill`);
      await page.fill('[data-testid=backfill-start]', '2025-05-01');
      await page.fill('[data-testid=backfill-end]', '2025-05-03');
      await page.click('[data-testid=backfill-submit]');
      await page.waitForSelector('[data-testid=run-progress][data-status=succeeded]');
      expect(await page.textContent('[data-testid=run-done]')).toBe('3');
      expect(await page.textContent('[data-testid=run-total]')).toBe('3');
      const runId = await attribute(page, 'run-progress', 'data-run-id');
      expect(await apiJson('runs/' + runId)).toMatchObject({
        status: 'succeeded',
        start: '2025-05-01',
        end: '2025-05-03',
      });
      // The run computed May: acme's 05-02 signup is there.
      const may = await apiJson<Summary>('summary', { start: '2025-05-01', end: '2025-05-03', tenant: 'acme' });
      expect(may.metrics.new_customers).toBe(1);
      const audit = await dataSource.query<{ actor: string }[]>(
        `SELECT actor FROM metrics_audit_log WHERE action = 'run' AND route LIKE '%backfill'`,
      );
      expect(audit.map((row) => row.actor)).toEqual([environment.adminEmail]);
    },
    SLOW,
  );

  it(
    'edits the configuration through validation and the audit log',
    async () => {
      const [{ id }] = await dataSource.query<{ id: string }[]>('SELECT id FROM system_metrics_config');
      await page.goto(`${baseUrl}/admin/resources/MetricsConfigEntity/records/${id}/edit`);
      await page.fill('[data-testid=config-churn_spike_threshold_pct]', '-3');
      await page.click('[data-testid=config-save]');
      await page.waitForSelector('[data-testid=config-error-churn_spike_threshold_pct]');
      expect((await apiJson<{ churn_spike_threshold_pct: number }>('config')).churn_spike_threshold_pct).toBe(5);

      await page.fill('[data-testid=config-churn_spike_threshold_pct]', '7.5');
      await page.click('[data-testid=config-save]');
      await page.waitForSelector('[data-testid=config-saved]');
      expect((await apiJson<{ churn_spike_threshold_pct: number }>('config')).churn_spike_threshold_pct).toBe(7.5);
      const audit = await dataSource.query<{ actor: string; changes: Record<string, unknown> }[]>(
        `SELECT actor, changes FROM metrics_audit_log WHERE action = 'config_change' AND outcome = 200`,
      );
      expect(audit).toEqual([
        { actor: environment.adminEmail, changes: { churn_spike_threshold_pct: { before: 5, after: 7.5 } } },
      ]);

      // Someone else changes the configuration while the form is open: saving from the stale page is refused.
      await dataSource.query('UPDATE system_metrics_config SET payment_failure_threshold = 6');
      await page.fill('[data-testid=config-churn_spike_threshold_pct]', '8');
      await page.click('[data-testid=config-save]');
      await page.waitForSelector('[data-testid=config-error]');
      expect(await page.textContent('[data-testid=config-error]')).toContain('changed by someone else');
      expect(await apiJson<Record<string, number>>('config')).toMatchObject({
        churn_spike_threshold_pct: 7.5,
        payment_failure_threshold: 6,
      });
    },
    SLOW,
  );

  it(
    'creates an integration token shown once, and revokes it',
    async () => {
      await page.goto(`${baseUrl}/admin/resources/MetricsApiToken/actions/new`);
      await page.fill('[data-testid=token-name]', 'warehouse');
      await page.selectOption('[data-testid=token-scope]', 'admin');
      await page.click('[data-testid=token-submit]');
      const token = (await page.textContent('[data-testid=token-value]')) ?? '';
      expect((await api('summary', APRIL, token)).status).toBe(200);
      const [row] = await dataSource.query<
        {
          id: string;
        }[]
      >(`SELECT id FROM metrics_api_token WHERE name = 'warehouse'`);
      await page.goto(`${baseUrl}/admin/resources/MetricsApiToken`);
      expect(await page.content()).not.toContain(token);
      await page.goto(`${baseUrl}/admin/resources/MetricsApiToken/records/${row.id}/revoke`);
      await page.click('[data-testid=token-revoke-confirm]');
      await page.waitForSelector('[data-testid=token-revoked]');
      expect((await api('summary', APRIL, token)).status).toBe(401);
    },
    SLOW,
  );

  it(
    "shows the last 12 months honestly and every tenant's open alert in the global view, acknowledged from there",
    async () => {
      // Yesterday is the dashboard's default end (UTC, the demo's timezone); "Last 12 months" starts a year before.
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      const end = day(-1);
      const yearBefore = new Date(`${end}T00:00:00Z`);
      yearBefore.setUTCFullYear(yearBefore.getUTCFullYear() - 1);
      const start = new Date(yearBefore.getTime() + 86_400_000).toISOString().slice(0, 10);
      const at = (date: string, hour: string) => `${date}T${hour}:00:00Z`;
      // initech: six users on the range's first day; one leaves 40 days later, one yesterday (1 of 5: critical).
      const users = ['i1', 'i2', 'i3', 'i4', 'i5', 'i6'];
      const after40 = new Date(Date.parse(`${start}T00:00:00Z`) + 40 * 86_400_000).toISOString().slice(0, 10);
      await insertSourceRows(dataSource, {
        lifecycle: [
          ...users.map((user) => ['initech', user, 'signup', at(start, '10')] as [string, string, string, string]),
          ['initech', 'i1', 'deactivate', at(after40, '10')],
          ['initech', 'i2', 'deactivate', at(end, '10')],
        ],
        activity: [
          ['initech', 'i3', at(day(-3), '11')],
          ['initech', 'i3', at(end, '11')],
          ['initech', 'i4', at(end, '12')],
        ],
      });
      await app.get(MetricsService).computeRange({ start: yearBefore.toISOString().slice(0, 10), end });
      await app.get(AlertEvaluator).settled();
      const active = await apiJson<{ alerts: { id: string; tenant: string | null; status: string }[] }>('alerts', {
        status: 'active',
      });
      const initech = active.alerts.find((alert) => alert.tenant === 'initech' && alert.status === 'open');
      expect(initech).toBeDefined();

      // An admin marks the day of the first departure; every chart shows it on that day's week.
      const marked = await fetch(`${baseUrl}${PREFIX}/annotations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${environment.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ day: after40, label: 'Pricing change' }),
      });
      expect(marked.status).toBe(201);

      await page.goto(`${baseUrl}/admin`);
      await page.selectOption('[data-testid=filter-preset]', '12m');
      const query = { start, end, tenant: null, bucket: 'weekly' };
      const summary = await expectPanelMatchesApi(query);
      // A monthly average (the year's churned ÷ the first day's users would be far above it), said on the card.
      expect(summary.per.customer_churn_rate).toBe('month');
      expect(summary.metrics.customer_churn_rate).toBeGreaterThan(0);
      expect(summary.metrics.customer_churn_rate).toBeLessThan(100);
      expect(await page.isVisible('[data-testid=kpi-customer_churn_rate-per-month]')).toBe(true);
      // The year before holds only the 2025 test days: not enough history, so no comparison anywhere.
      expect(await attribute(page, 'kpi-total_customers-change', 'data-reason')).toBe('no-history');
      // The week of yesterday is to date unless yesterday was a Sunday (hand-computed from the calendar).
      const monday = (date: string) => {
        const value = new Date(`${date}T00:00:00Z`);
        return new Date(value.getTime() - ((value.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
      };
      const sunday = new Date(`${end}T00:00:00Z`).getUTCDay() === 0;
      for (const chart of ['active_users', 'customers', 'jobs']) {
        expect(JSON.parse(await attribute(page, `chart-${chart}`, 'data-annotations'))).toEqual([
          { date: monday(after40), label: 'Pricing change' },
        ]);
      }
      expect(await page.isVisible('[data-testid=chart-active_users] >> text=Pricing change')).toBe(true);
      expect(JSON.parse(await attribute(page, 'chart-active_users', 'data-to-date'))).toEqual(
        sunday ? [] : [monday(end)],
      );
      expect(await page.isVisible('[data-testid=chart-active_users-to-date]')).toBe(!sunday);

      // Every tenant's open alert is listed in the global view, with its tenant and severity.
      await page.waitForSelector(`[data-testid=open-alert-${initech!.id}]`);
      expect(await attribute(page, `open-alert-${initech!.id}`, 'data-tenant')).toBe('initech');
      expect(await attribute(page, `open-alert-${initech!.id}`, 'data-severity')).toBe('critical');
      const open = active.alerts.filter((alert) => alert.status === 'open').length;
      expect(Number(await attribute(page, 'open-alerts', 'data-count'))).toBe(open);
      await screenshotWhole(page, 'test-output/dashboard-12m-1440x900.png');

      // The heatmap scrolls sideways on a phone while the cohort column stays in place.
      await page.setViewportSize({ width: 390, height: 844 });
      const scroller = page.locator('[data-testid=cohort-scroller]');
      expect(await scroller.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
      const firstCell = page.locator('[data-testid=cohort-scroller] tbody tr td').first();
      const before = (await firstCell.boundingBox())!.x;
      await scroller.evaluate((element) => element.scrollTo({ left: element.scrollWidth }));
      expect((await firstCell.boundingBox())!.x).toBe(before);
      const lastWeek = page.locator('[data-testid=cohort-scroller] thead th').last();
      const box = (await scroller.boundingBox())!;
      const last = (await lastWeek.boundingBox())!;
      expect(last.x + last.width).toBeLessThanOrEqual(box.x + box.width + 1);
      await screenshotWhole(page, 'test-output/dashboard-12m-390x844.png');
      await page.setViewportSize({ width: 1440, height: 900 });

      // Acknowledged from the panel, through the API, audited under the admin.
      await page.click(`[data-testid=open-alert-${initech!.id}-ack]`);
      await page.waitForSelector(`[data-testid=open-alert-${initech!.id}][data-status=acknowledged]`);
      const after = await apiJson<{ alerts: { id: string; status: string; acknowledged_by: string }[] }>('alerts', {
        tenant: 'initech',
        status: 'active',
      });
      expect(after.alerts.find((alert) => alert.id === initech!.id)).toMatchObject({
        status: 'acknowledged',
        acknowledged_by: environment.adminEmail,
      });
      const audit = await dataSource.query<{ actor: string; outcome: number }[]>(
        `SELECT actor, outcome FROM metrics_audit_log WHERE action = 'alert_ack'`,
      );
      expect(audit).toEqual([{ actor: environment.adminEmail, outcome: 200 }]);

      // Monthly buckets: the month of yesterday is to date unless yesterday was its last day.
      await page.selectOption('[data-testid=filter-bucket]', 'monthly');
      await expectPanelMatchesApi({ ...query, bucket: 'monthly' });
      const lastOfMonth = day(0).endsWith('-01');
      expect(JSON.parse(await attribute(page, 'chart-customers', 'data-to-date'))).toEqual(
        lastOfMonth ? [] : [`${end.slice(0, 7)}-01`],
      );
      // Compare with the same months a year earlier: each line gets the earlier year's buckets, one for one.
      await page.selectOption('[data-testid=compare]', 'year');
      const shift = (date: string) => `${Number(date.slice(0, 4)) - 1}${date.slice(4)}`;
      await page.waitForSelector(`[data-testid=compare][data-loaded="year:${shift(start)}:${shift(end)}"]`);
      const earlier = await apiJson<{ series: Record<string, Point[]> }>('timeseries', {
        start: shift(start),
        end: shift(end),
        tenant: null,
        bucket: 'monthly',
        metric: 'total_customers,dau,wau,mau',
      });
      const shownDates = JSON.parse(await attribute(page, 'chart-customers', 'data-dates')) as string[];
      expect(JSON.parse(await attribute(page, 'chart-customers', 'data-compare'))).toEqual({
        total_customers: earlier.series.total_customers.slice(0, shownDates.length).map((point) => point.value),
      });
      expect(JSON.parse(await attribute(page, 'chart-active_users', 'data-compare'))).toEqual({
        dau: earlier.series.dau.slice(0, shownDates.length).map((point) => point.value),
        wau: earlier.series.wau.slice(0, shownDates.length).map((point) => point.value),
        mau: earlier.series.mau.slice(0, shownDates.length).map((point) => point.value),
      });
      // The 2025 test data (April: acme and globex) is in last year's line.
      expect(earlier.series.total_customers.some((point) => (point.value ?? 0) > 0)).toBe(true);
      await screenshotWhole(page, 'test-output/dashboard-12m-monthly-1440x900.png');
    },
    SLOW,
  );

  it(
    'is a panel of our own on every page, at both sizes: product name, human resource names, no AdminJS welcome',
    async () => {
      const visitor = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await visitor.goto(`${baseUrl}/admin/login`);
      const login = (await visitor.textContent('body')) ?? '';
      expect(login).toContain('Exec Metrics');
      expect(login).not.toContain('AdminJS');
      await visitor.screenshot({ path: 'test-output/login-1440x900.png' });
      await visitor.setViewportSize({ width: 390, height: 844 });
      await visitor.screenshot({ path: 'test-output/login-390x844.png' });
      await visitor.close();

      await page.goto(`${baseUrl}/admin`);
      const sidebar = (await page.textContent('section[data-css=sidebar], aside, nav')) ?? '';
      const body = (await page.textContent('body')) ?? '';
      for (const name of ['Configuration', 'Audit log', 'API tokens', 'Snapshots']) {
        expect([name, body.includes(name) || sidebar.includes(name)]).toEqual([name, true]);
      }
      for (const raw of ['Metrics Config Entity', 'Metrics Api Token', 'Metrics Audit Log']) {
        expect([raw, body.includes(raw)]).toEqual([raw, false]);
      }
      // The audit record of the configuration change (an earlier test): its parameters and before/after as tables.
      const [change] = await dataSource.query<{ id: string }[]>(
        `SELECT id FROM metrics_audit_log WHERE action = 'config_change' AND outcome = 200`,
      );
      await page.goto(`${baseUrl}/admin/resources/MetricsAuditLog/records/${change.id}/show`);
      await page.waitForSelector('[data-testid=audit-changes]');
      expect(await page.textContent('[data-testid=audit-change-churn_spike_threshold_pct-before]')).toBe('5');
      expect(await page.textContent('[data-testid=audit-change-churn_spike_threshold_pct-after]')).toBe('7.5');
      expect(await page.textContent('[data-testid=audit-actor]')).toBe(environment.adminEmail);
      const [{ id }] = await dataSource.query<{ id: string }[]>('SELECT id FROM system_metrics_config');
      // [name, path, the module's own component on it (checked with axe-core) or null for AdminJS's own lists].
      const pages: [string, string, string | null][] = [
        ['dashboard-30d', '/admin', '[data-testid=metrics-dashboard]'],
        ['audit-record', `/admin/resources/MetricsAuditLog/records/${change.id}/show`, '[data-testid=audit-record]'],
        ['backfill', '/admin/pages/Backfill', '[data-testid=runs-page]'],
        ['config', `/admin/resources/MetricsConfigEntity/records/${id}/edit`, '[data-testid=config-form]'],
        ['audit-list', '/admin/resources/MetricsAuditLog', null],
        ['tokens', '/admin/resources/MetricsApiToken', null],
        ['alerts', '/admin/resources/MetricsAlert', null],
        ['snapshots', '/admin/resources/MetricsSnapshot', null],
      ];
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const violations: object[] = [];
      for (const [name, path, own] of pages) {
        for (const [width, height] of [
          [1440, 900],
          [390, 844],
        ]) {
          await page.setViewportSize({ width, height });
          await page.goto(`${baseUrl}${path}`);
          await page.waitForLoadState('networkidle');
          await screenshotWhole(page, `test-output/${name}-${width}x${height}.png`);
          if (own === null) continue;
          await page.waitForSelector(own);
          violations.push(...(await seriousViolations(page, own)).map((found) => ({ page: name, width, ...found })));
        }
      }
      await page.setViewportSize({ width: 1440, height: 900 });
      expect(errors).toEqual([]);
      expect(violations).toEqual([]);
    },
    SLOW,
  );
});

/**
 * The Backfill page's Stripe sync, on a second demo app whose Stripe is a local server that answers like Stripe's
 * API (the first app has no Stripe: it shows the "Connect Stripe" empty states).
 */
describe('AdminJS panel: Stripe sync', () => {
  const postgres = process.env.TEST_DATABASE_URL ? ownDatabase(process.env.TEST_DATABASE_URL) : undefined;
  const stripe = new FakeStripe();
  let environment: ReturnType<typeof readDemoEnvironment>;
  let app: NestExpressApplication;
  let baseUrl: string;
  let dataSource: DataSource;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const port = await stripe.start();
    stripe.data = {
      customers: [customer('cus_panel', 'acme')],
      subscriptions: [
        subscription('sub_panel_1', 'cus_panel', 'active', [{ amount: 4900 }], {
          start_date: epoch('2026-01-10T00:00:00Z'),
        }),
        subscription('sub_panel_2', 'cus_panel', 'canceled', [{ amount: 9900 }], {
          start_date: epoch('2026-01-01T00:00:00Z'),
          ended_at: epoch('2026-01-09T00:00:00Z'),
        }),
        subscription('sub_panel_3', 'cus_panel', 'trialing', [{ amount: 1900 }], {
          start_date: epoch('2026-02-01T00:00:00Z'),
          trial_start: epoch('2026-02-01T00:00:00Z'),
          trial_end: epoch('2026-02-15T00:00:00Z'),
        }),
      ],
      invoices: [],
    };
    environment = readDemoEnvironment({
      DATABASE_URL: postgres?.url,
      PGLITE_DIR: 'memory://',
      DEMO_DATA: 'off',
      ADMIN_EMAIL: 'cfo@example.com',
      ADMIN_PASSWORD: 'stripe-panel-password',
      METRICS_ADMIN_TOKEN: 'stripe-panel-admin-token',
      METRICS_SCHEDULE: 'off',
      STRIPE_SECRET_KEY: 'sk_test_panel',
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(port),
      STRIPE_API_PROTOCOL: 'http',
    });
    await postgres?.create();
    ({ app, baseUrl, dataSource } = await startDemo(environment));
    await app.get(AdminPanelModule).bundleComponents();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(60_000);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stripe.stop();
    await postgres?.drop();
  });

  it(
    'syncs from the Backfill page and shows the counts the API answered, audited',
    async () => {
      await logIn(page, baseUrl, environment.adminEmail, environment.adminPassword);
      await page.goto(`${baseUrl}/admin/pages/Backfill`);
      await page.click('[data-testid=stripe-sync-submit]');
      await page.waitForSelector('[data-testid=stripe-sync-result]');
      const shown = async (key: string) => Number(await page.textContent(`[data-testid=stripe-sync-${key}]`));
      // Three subscriptions on pages of two: the second page was refused once with a 429, then retried.
      expect({
        customers: await shown('customers'),
        subscriptions: await shown('subscriptions'),
        open_invoices: await shown('open_invoices'),
        rebuilt_subscriptions: await shown('rebuilt_subscriptions'),
        retries: await shown('retries'),
      }).toEqual({ customers: 1, subscriptions: 3, open_invoices: 0, rebuilt_subscriptions: 3, retries: 1 });
      const ledger = await dataSource.query<{ subscription_id: string }[]>(
        `SELECT DISTINCT subscription_id FROM metrics_billing_subscription_state ORDER BY 1`,
      );
      expect(ledger.map((row) => row.subscription_id)).toEqual(['sub_panel_1', 'sub_panel_2', 'sub_panel_3']);
      const audit = await dataSource.query<{ actor: string; outcome: number }[]>(
        `SELECT actor, outcome FROM metrics_audit_log WHERE action = 'stripe_sync'`,
      );
      expect(audit).toEqual([{ actor: environment.adminEmail, outcome: 200 }]);
    },
    SLOW,
  );
});
