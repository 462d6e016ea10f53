/**
 * Panel load time with 3 years of daily snapshots for 100 tenants and the global view: the demo app in a real
 * Chromium, timed from a filter change (or navigation) until the dashboard shows the answers for it. Baselines in
 * the same run: the AdminJS login page (cold browser cache) and a trivial AdminJS page after login (the API tokens
 * list, one row). For the log-in → dashboard step it also records every request the browser made (count, bytes
 * on the wire, when each ended), so that where the time goes is in the result.
 *
 * `npm run bench:panel` measures the panel as it is deployed: assets bundled ahead of time (`npm run admin:bundle`,
 * NODE_ENV=production, ADMIN_JS_SKIP_BUNDLE=true). Run `node dist/bench/panel-load.js` without them to measure the
 * development set-up (AdminJS's development bundles, components bundled at start). PostgreSQL: DATABASE_URL names a
 * database, or `--postgres` starts a throw-away server for the run (scripts/postgres-server.mjs).
 */
import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page, type Request } from 'playwright-core';
import { DataSource } from 'typeorm';
import { AdminPanelModule } from '../src/admin/admin-panel.module.js';
import { createDemoApp } from '../src/demo-app.js';
import { readDemoEnvironment } from '../src/demo-environment.js';

const TENANTS = 100;
const DAYS = 3 * 365 + 1;

const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Set-based: every (day, scope) row in one statement, then weekly and monthly rows rolled up from them. */
async function seedSnapshots(dataSource: DataSource, start: string, end: string): Promise<number> {
  await dataSource.query(
    `INSERT INTO system_metrics_snapshot
       (bucket_type, bucket_date, tenant_id, environment, computed_at, dau, wau, mau, stickiness, total_customers,
        new_customers, churned_customers, reactivated_customers, customer_churn_rate, jobs_succeeded, jobs_failed,
        jobs_total, job_success_rate, api_requests_total, api_errors_total, api_avg_latency_ms, ai_tokens_used,
        ai_cost_usd)
     SELECT 'daily', d::date, t, 'demo', now(), 40 + n % 30, 120 + n % 50, 300 + n % 90,
            round(((40 + n % 30) * 100.0 / (300 + n % 90))::numeric, 2), 500 + n / 3, 3 + n % 5, n % 3, n % 2,
            round(((n % 3) * 100.0 / (500 + n / 3))::numeric, 2), 90 + n % 10, n % 4, 90 + n % 10 + n % 4,
            round(((90 + n % 10) * 100.0 / (90 + n % 10 + n % 4))::numeric, 2), 5000 + n % 700, n % 40,
            80 + n % 25, 20000 + n % 5000, round(((20000 + n % 5000) * 0.00001)::numeric, 4)
       FROM generate_series($1::date, $2::date, interval '1 day') AS d,
            (SELECT NULL::varchar AS t UNION ALL
             SELECT 'tenant-' || lpad(i::text, 3, '0') FROM generate_series(1, $3::int) AS i) AS scopes,
            LATERAL (SELECT (d::date - $1::date) AS n) AS day_number`,
    [start, end, TENANTS],
  );
  for (const bucket of ['week', 'month']) {
    await dataSource.query(
      `INSERT INTO system_metrics_snapshot
         (bucket_type, bucket_date, tenant_id, environment, computed_at, dau, wau, mau, stickiness, total_customers,
          new_customers, churned_customers, reactivated_customers, customer_churn_rate, jobs_succeeded, jobs_failed,
          jobs_total, job_success_rate, api_requests_total, api_errors_total, api_avg_latency_ms, ai_tokens_used,
          ai_cost_usd)
       SELECT $1, date_trunc($2, bucket_date)::date, tenant_id, environment, now(), avg(dau), max(wau), max(mau),
              avg(stickiness), max(total_customers), sum(new_customers), sum(churned_customers),
              sum(reactivated_customers), avg(customer_churn_rate), sum(jobs_succeeded), sum(jobs_failed),
              sum(jobs_total), avg(job_success_rate), sum(api_requests_total), sum(api_errors_total),
              avg(api_avg_latency_ms), sum(ai_tokens_used), sum(ai_cost_usd)
         FROM system_metrics_snapshot WHERE bucket_type = 'daily'
        GROUP BY 2, tenant_id, environment`,
      [bucket === 'week' ? 'weekly' : 'monthly', bucket],
    );
  }
  const [{ rows }] = await dataSource.query<
    {
      rows: number;
    }[]
  >('SELECT count(*)::int AS rows FROM system_metrics_snapshot');
  return rows;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return Math.round(performance.now() - started);
}

/** `--postgres`: a throw-away PostgreSQL server for this run (the helper the PostgreSQL tests use). */
async function temporaryPostgres(): Promise<{ url: string; stop: () => void }> {
  const helper = pathToFileURL(resolve('scripts/postgres-server.mjs')).href;
  const { startTemporaryPostgres } = (await import(helper)) as {
    startTemporaryPostgres: () => Promise<{ url: string; stop: () => void }>;
  };
  return startTemporaryPostgres();
}

/**
 * The first view is shown (data-state=ready: the headline numbers); `complete` adds what is drawn after it: the
 * charts, the tenants table, the open alerts, MRR by plan and the cohorts.
 */
const complete = (page: Page, query: { start: string; end: string; tenant: string | null; bucket: string }) =>
  Promise.all([
    page.waitForSelector(`[data-testid=metrics-dashboard][data-charts-query='${JSON.stringify(query)}']`, {
      timeout: 300_000,
    }),
    page.waitForSelector(`[data-testid=tenants-table][data-loaded='${query.start}:${query.end}:mrr:0']`, {
      timeout: 300_000,
    }),
    page.waitForSelector('[data-testid=open-alerts][data-state=ready]', { timeout: 300_000 }),
    page.waitForSelector(`[data-testid=chart-mrr_by_plan][data-loaded='${JSON.stringify(query)}']`, {
      timeout: 300_000,
    }),
    page.waitForSelector(`[data-testid=cohort-heatmap][data-loaded='${String(query.tenant)}']`, { timeout: 300_000 }),
  ]);

const ready = (page: Page, query: object) =>
  page.waitForSelector(
    `[data-testid=metrics-dashboard][data-state=ready][data-loaded-query='${JSON.stringify(query)}']`,
    { timeout: 300_000 },
  );

/** A free TCP port: AdminJS needs the assets' absolute URL (ADMIN_ASSETS_URL) before the app listens. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Seen {
  path: string;
  type: string;
  /** When it started and ended, ms after the step started. */
  startMs: number;
  endMs: number;
  durationMs: number;
  /** Response body bytes as sent (compressed if it was). */
  bytes: number;
  status: number;
}

/** Every request the page makes, with its timing and size, for the step running now. */
function recordRequests(page: Page) {
  let seen: Promise<Seen | null>[] = [];
  let startedAt = 0;
  const record = async (request: Request): Promise<Seen | null> => {
    const response = await request.response();
    if (!response) return null;
    const timing = request.timing();
    const sizes = await request.sizes().catch(() => ({ responseBodySize: 0 }));
    return {
      path: new URL(request.url()).pathname,
      type: request.resourceType(),
      startMs: Math.round(timing.startTime - startedAt),
      endMs: Math.round(timing.startTime + timing.responseEnd - startedAt),
      durationMs: Math.round(timing.responseEnd),
      // Served from the memory cache: -1 (nothing on the wire).
      bytes: Math.max(0, sizes.responseBodySize),
      status: response.status(),
    };
  };
  page.on('requestfinished', (request) => seen.push(record(request)));
  return {
    start() {
      seen = [];
      startedAt = Date.now();
    },
    async summary() {
      const all = (await Promise.all(seen)).filter((entry): entry is Seen => entry !== null);
      const of = (types: string[]) => all.filter((entry) => types.includes(entry.type));
      const total = (entries: Seen[]) => entries.reduce((sum, entry) => sum + entry.bytes, 0);
      const lastEnd = (entries: Seen[]) => Math.max(0, ...entries.map((entry) => entry.endMs));
      const api = of(['fetch', 'xhr']);
      return {
        requests: all.length,
        bytes: total(all),
        documents: { count: of(['document']).length, endMs: lastEnd(of(['document'])) },
        scripts: { count: of(['script']).length, bytes: total(of(['script'])), endMs: lastEnd(of(['script'])) },
        notModified: all.filter((entry) => entry.status === 304).length,
        api: {
          count: api.length,
          endMs: lastEnd(api),
          // In the order they started: path, start → end (ms after the step started).
          calls: [...api]
            .sort((a, b) => a.startMs - b.startMs)
            .map((entry) => `${entry.path.replace(/^.*\/metrics\//, '')} ${entry.startMs} → ${entry.endMs} ms`),
        },
      };
    },
  };
}

async function main(): Promise<void> {
  const production = process.env.NODE_ENV === 'production' && process.env.ADMIN_JS_SKIP_BUNDLE === 'true';
  const postgres = process.argv.includes('--postgres') ? await temporaryPostgres() : undefined;
  if (postgres) process.env.DATABASE_URL = postgres.url;
  const port = await freePort();
  const base = `http://localhost:${port}`;
  if (production) process.env.ADMIN_ASSETS_URL ??= `${base}/admin-assets/`;
  const environment = readDemoEnvironment({
    ...process.env,
    PORT: String(port),
    PGLITE_DIR: 'memory://',
    DEMO_DATA: 'off',
    METRICS_SCHEDULE: 'off',
    METRICS_REFRESH_SECONDS: '0',
    ADMIN_EMAIL: 'bench@example.com',
    ADMIN_PASSWORD: 'bench-password',
    METRICS_ADMIN_TOKEN: 'bench-admin-token',
  });
  if (!production) rmSync('.adminjs', { recursive: true, force: true });
  // The demo app exactly as `npm start` serves it (security headers, static assets), not a bare AppModule.
  const app: NestExpressApplication = await createDemoApp(environment, { logger: ['error'] });
  await app.listen(port);
  const end = isoDay(-1);
  const start = isoDay(-DAYS);
  const rows = await seedSnapshots(app.get(DataSource), start, end);
  // One token, so that the trivial AdminJS page (the tokens list) has a row to draw.
  await fetch(`${base}/api/system/metrics/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${environment.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scope: 'ingest' }),
  });
  await app.get(AdminPanelModule).bundleComponents(); // development: bundle outside the timings

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // When React wrote the headline and the charts into the page (Date.now(), as the steps' clocks), apart from when the
  // test saw them: the difference is time the page's main thread was busy.
  await page.addInitScript(() => {
    const marks: Record<string, number> = {};
    (window as unknown as { emMarks: Record<string, number> }).emMarks = marks;
    const observer = new MutationObserver(() => {
      const dashboard = document.querySelector('[data-testid=metrics-dashboard]');
      if (!dashboard) return;
      marks.mounted ??= Date.now();
      if (dashboard.getAttribute('data-state') === 'ready') marks.headline ??= Date.now();
      if (dashboard.getAttribute('data-charts-query')) marks.charts ??= Date.now();
      if (marks.charts) observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true, attributes: true });
  });
  const requests = recordRequests(page);
  requests.start();
  const loginPage = await timed(async () => {
    await page.goto(`${base}/admin/login`, { waitUntil: 'load' });
    await page.waitForSelector('form button');
  });
  const loginPageRequests = await requests.summary();
  await page.fill('input[name=email]', environment.adminEmail);
  await page.fill('input[name=password]', environment.adminPassword);
  const thirtyDays = { start: isoDay(-30), end, tenant: null, bucket: 'daily' };
  requests.start();
  const auditReads = async () =>
    (
      await app
        .get(DataSource)
        .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM metrics_audit_log WHERE action = 'read'`)
    )[0].n;
  const readsBefore = await auditReads();
  const loginStarted = performance.now();
  const firstDashboard = await timed(async () => {
    await page.click('form button');
    await ready(page, thirtyDays);
  });
  const firstViewRequests = await requests.summary();
  const firstViewAuditRecords = (await auditReads()) - readsBefore;
  // Then the parts below the first screen, timed from the same click.
  await complete(page, thirtyDays);
  const firstDashboardComplete = Math.round(performance.now() - loginStarted);
  const firstDashboardRequests = await requests.summary();
  const firstDashboardAuditRecords = (await auditReads()) - readsBefore;
  const marks = await page.evaluate(() => (window as unknown as { emMarks: Record<string, number> }).emMarks);
  const stepStart = Date.now() - Math.round(performance.now() - loginStarted);
  const firstDashboardCommits = Object.fromEntries(Object.entries(marks).map(([name, at]) => [name, at - stepStart]));
  // A trivial AdminJS page in the same browser and session: the API tokens list (one row), until its row is drawn.
  requests.start();
  const trivialAdminPage = await timed(async () => {
    await page.goto(`${base}/admin/resources/MetricsApiToken`);
    await page.waitForSelector('[data-css="MetricsApiToken-table-row"]');
  });
  const trivialAdminPageRequests = await requests.summary();
  // The dashboard again from a link's navigation (what a returning user sees), warm like the trivial page.
  const dashboardAgain = await timed(async () => {
    await page.goto(`${base}/admin`);
    await ready(page, thirtyDays);
  });
  const setRange = async (from: string, to: string) => {
    await page.fill('[data-testid=filter-start]', from);
    await page.fill('[data-testid=filter-end]', to);
  };
  const threeYearsAuto = await timed(async () => {
    await setRange(start, end);
    await ready(page, { start, end, tenant: null, bucket: 'monthly' });
  });
  // The tenants drill-down (GET tenants/ranking) loads beside the dashboard: until its rows for the range are shown.
  const threeYearsTenantsTable = await timed(() =>
    page.waitForSelector(`[data-testid=tenants-table][data-loaded='${start}:${end}:mrr:0']`, { timeout: 300_000 }),
  );
  const threeYearsDaily = await timed(async () => {
    await page.selectOption('[data-testid=filter-bucket]', 'daily');
    await ready(page, { start, end, tenant: null, bucket: 'daily' });
  });
  await page.selectOption('[data-testid=filter-bucket]', 'auto');
  await ready(page, { start, end, tenant: null, bucket: 'monthly' });
  const tenantSearch = await timed(async () => {
    await page.fill('[data-testid=tenant-search]', '042');
    await page.waitForSelector('[data-testid=tenant-option-tenant-042]');
  });
  const tenantThreeYears = await timed(async () => {
    await page.click('[data-testid=tenant-option-tenant-042]');
    await ready(page, { start, end, tenant: 'tenant-042', bucket: 'monthly' });
  });
  await browser.close();
  await app.close();
  postgres?.stop();

  const database = environment.databaseUrl ? 'postgres' : 'pglite';
  const ratio = (ms: number) => Math.round((ms / trivialAdminPage) * 10) / 10;
  const result = {
    database,
    assets: production ? 'production (admin:bundle)' : 'development',
    snapshot_rows: rows,
    tenants: TENANTS,
    days: DAYS,
    ms: {
      loginPage,
      firstDashboard,
      firstDashboardComplete,
      trivialAdminPage,
      dashboardAgain,
      threeYearsAuto,
      threeYearsTenantsTable,
      threeYearsDaily,
      tenantSearch,
      tenantThreeYears,
    },
    ratio_vs_trivial_admin_page: {
      firstDashboard: ratio(firstDashboard),
      firstDashboardComplete: ratio(firstDashboardComplete),
      dashboardAgain: ratio(dashboardAgain),
      threeYearsAuto: ratio(threeYearsAuto),
      tenantThreeYears: ratio(tenantThreeYears),
    },
    // When the dashboard mounted, wrote its headline and its charts into the page (ms after the login click).
    first_dashboard_commits_ms: firstDashboardCommits,
    audit_read_records: { firstView: firstViewAuditRecords, firstDashboardComplete: firstDashboardAuditRecords },
    requests: {
      loginPage: loginPageRequests,
      firstView: firstViewRequests,
      firstDashboard: firstDashboardRequests,
      trivialAdminPage: trivialAdminPageRequests,
    },
  };
  mkdirSync('bench/results', { recursive: true });
  const suffix = production ? '' : '-development';
  writeFileSync(`bench/results/panel-load-${database}${suffix}.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
