/**
 * Panel load time with 3 years of daily snapshots for 100 tenants and the global view: the demo app in a real
 * Chromium, timed from a filter change (or navigation) until the dashboard shows the answers for it. The baseline
 * is the AdminJS login page of the same app in the same run. `npm run bench:panel` (DATABASE_URL for PostgreSQL).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { AdminPanelModule } from '../src/admin/admin-panel.module.js';
import { AppModule } from '../src/app.module.js';
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

const ready = (page: Page, query: object) =>
  page.waitForSelector(
    `[data-testid=metrics-dashboard][data-state=ready][data-loaded-query='${JSON.stringify(query)}']`,
    { timeout: 300_000 },
  );

async function main(): Promise<void> {
  const environment = readDemoEnvironment({
    ...process.env,
    PORT: '0',
    PGLITE_DIR: 'memory://',
    DEMO_DATA: 'off',
    METRICS_SCHEDULE: 'off',
    METRICS_REFRESH_SECONDS: '0',
    ADMIN_EMAIL: 'bench@example.com',
    ADMIN_PASSWORD: 'bench-password',
  });
  rmSync('.adminjs', { recursive: true, force: true });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forEnvironment(environment), {
    logger: ['error'],
  });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const end = isoDay(-1);
  const start = isoDay(-DAYS);
  const rows = await seedSnapshots(app.get(DataSource), start, end);
  await app.get(AdminPanelModule).bundleComponents(); // bundle outside the timings

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const loginPage = await timed(() => page.goto(`${base}/admin/login`, { waitUntil: 'load' }));
  await page.fill('input[name=email]', environment.adminEmail);
  await page.fill('input[name=password]', environment.adminPassword);
  const thirtyDays = { start: isoDay(-30), end, tenant: null, bucket: 'daily' };
  const firstDashboard = await timed(async () => {
    await page.click('form button');
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

  const database = environment.databaseUrl ? 'postgres' : 'pglite';
  const result = {
    database,
    snapshot_rows: rows,
    tenants: TENANTS,
    days: DAYS,
    ms: {
      loginPage,
      firstDashboard,
      threeYearsAuto,
      threeYearsTenantsTable,
      threeYearsDaily,
      tenantSearch,
      tenantThreeYears,
    },
    ratio_vs_login_page: {
      threeYearsAuto: Math.round((threeYearsAuto / loginPage) * 10) / 10,
      tenantThreeYears: Math.round((tenantThreeYears / loginPage) * 10) / 10,
    },
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/panel-load-${database}.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
