import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import {
  createHostProject,
  freePort,
  packLibrary,
  startHost,
  type HostKind,
  type HostProject,
  type PackedLibrary,
} from './support/host-project.js';
import { launchChromium, logIn } from './support/panel-browser.js';

/**
 * The library as a host gets it: packed, installed into a fresh ESM Nest 12 app (test/host-app) with its own
 * entities, migration and data source on a real PostgreSQL, type-checked with tsc, booted, fed through
 * MetricsRecorder and through `sources` over the host's own users table (integer org ids), backfilled with the
 * host's five-line command line, read over the REST API, and, with TypeORM 0.3, shown in the host's own AdminJS
 * panel. Runs with the PostgreSQL suite (npm run test:pg; jest.config.js leaves it out without TEST_DATABASE_URL).
 */
const SERVER = process.env.TEST_DATABASE_URL!;
const TOKEN = 'host-admin-token';
const SLOW = 15 * 60_000;

async function withServer<T>(work: (client: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const url = new URL(SERVER);
  if (database) url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('@exec-metrics/metrics packed and installed in a fresh host app', () => {
  const packs = mkdtempSync(join(tmpdir(), 'exec-metrics-pack-'));
  let library: PackedLibrary;

  beforeAll(async () => {
    library = await packLibrary(packs);
    // What a host downloads: printed for the log, checked for what must and must not be in it.
    console.log(
      `${library.tarball}: ${(library.size / 1024).toFixed(1)} kB packed, ${(library.unpackedSize / 1024).toFixed(1)} kB ` +
        `unpacked, ${library.files.length} files:\n${library.files.join('\n')}`,
    );
  }, SLOW);

  afterAll(() => rmSync(packs, { recursive: true, force: true }));

  it('ships compiled ESM with declarations, the migrations and the panel components, and no sources or tests', () => {
    expect(library.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/admin/index.js',
        'dist/admin/index.d.ts',
        'dist/migrations/index.js',
        'dist/admin/components/dashboard.tsx',
      ]),
    );
    expect(library.files.filter((file) => /(^src\/|\.spec\.|\.e2e-spec\.|^test\/)/.test(file))).toEqual([]);
    const migrations = readdirSync('migrations').map((file) => `dist/migrations/${file.replace(/\.ts$/, '.js')}`);
    expect(library.files).toEqual(expect.arrayContaining(migrations));
  });

  const kinds: [string, HostKind][] = [
    ['TypeORM 0.3 with the AdminJS panel', { typeorm: '0.3', panel: true }],
    ['TypeORM 1.x without the panel', { typeorm: '1', panel: false }],
  ];

  it.each(kinds)(
    '%s: installs, type-checks, boots, computes from its own tables and events, answers the API',
    async (_name, kind) => {
      const host: HostProject = await createHostProject(library.tarball, kind);
      const database = `host_${kind.typeorm.replace('.', '')}_${randomBytes(4).toString('hex')}`;
      await withServer((client) => client.query(`CREATE DATABASE ${database}`));
      const url = new URL(SERVER);
      url.pathname = `/${database}`;
      const env = { DATABASE_URL: url.toString(), HOST_METRICS_TOKEN: TOKEN };
      let stop: (() => Promise<void>) | undefined;
      try {
        const typecheck = await host.run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
        expect(typecheck.output).toBe('');
        expect(typecheck.code).toBe(0);

        // The host's command line: a wrong command line is refused with the usage, before any connection.
        const wrong = await host.run(
          process.execPath,
          ['dist/metrics-cli.js', 'backfill', '--start', '2026-13-01'],
          env,
        );
        expect(wrong.code).toBe(2);
        expect(wrong.output).toContain('--start must be a calendar date');
        const migrate = await host.run(process.execPath, ['dist/metrics-cli.js', 'migrate'], env);
        expect(migrate.output).toContain('migrations are up to date');
        expect(migrate.code).toBe(0);

        if (!kind.panel) {
          // Optional peers stay out of this host: Stripe switched on without its SDK says which package to install.
          const stripe = await host.run(process.execPath, ['dist/metrics-cli.js', 'migrate'], {
            ...env,
            STRIPE_SECRET_KEY: 'sk_test_host',
          });
          expect(stripe.output).toContain(
            'The Stripe integration (the stripe option) needs the package "stripe", which is not installed: run `npm install stripe`',
          );
          expect(stripe.code).toBe(1);
        }

        const port = await freePort();
        const entry = kind.panel ? 'dist/panel/main-with-panel.js' : 'dist/main.js';
        const started = await startHost(host, entry, { ...env, PORT: String(port) });
        stop = started.stop;
        const base = `http://127.0.0.1:${port}`;
        const post = (path: string, body: unknown) =>
          fetch(`${base}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }).then((response) => response.json() as Promise<{ id?: number }>);

        // The host's own data: two orgs (integer ids), four users through its own signup route.
        await withServer((client) => client.query(`INSERT INTO orgs (name) VALUES ('acme'), ('globex')`), database);
        const ids: number[] = [];
        for (const [org, at] of [
          [1, '2026-11-02T10:00:00Z'],
          [1, '2026-11-03T10:00:00Z'],
          [1, '2026-11-04T10:00:00Z'],
          [2, '2026-11-05T10:00:00Z'],
        ] as const) {
          ids.push((await post('/host/signup', { org_id: org, email: `u${ids.length}@host.test`, at })).id!);
        }
        await withServer(
          (client) => client.query(`UPDATE users SET deactivated_at = '2026-11-20T10:00:00Z' WHERE id = $1`, [ids[2]]),
          database,
        );
        // Logins through MetricsRecorder, injected into the host's controller.
        await post('/host/login', { org_id: 1, user_id: ids[0], at: '2026-11-10T09:00:00Z' });
        await post('/host/login', { org_id: 1, user_id: ids[1], at: '2026-11-10T11:00:00Z' });
        await post('/host/login', { org_id: 2, user_id: ids[3], at: '2026-11-11T11:00:00Z' });

        const backfill = await host.run(
          process.execPath,
          ['dist/metrics-cli.js', 'backfill', '--start', '2026-11-01', '--end', '2026-11-30'],
          env,
        );
        expect(backfill.output).toMatch(/\[#{30}\] 30\/30 days/);
        expect(backfill.output).toMatch(/computed 30 day\(s\)/);
        expect(backfill.code).toBe(0);

        const read = async (path: string) => {
          const response = await fetch(`${base}/api/system/metrics/${path}`, {
            headers: { authorization: `Bearer ${TOKEN}` },
          });
          expect(response.status).toBe(200);
          return (await response.json()) as {
            metrics: Record<string, number | null>;
            series: Record<string, { date: string; value: number | null }[]>;
          };
        };
        const november = 'start=2026-11-01&end=2026-11-30';
        expect((await read(`summary?${november}&tenant=1`)).metrics).toMatchObject({
          new_customers: 3,
          churned_customers: 1,
          total_customers: 2,
        });
        expect((await read(`summary?${november}&tenant=2`)).metrics).toMatchObject({
          new_customers: 1,
          total_customers: 1,
        });
        expect((await read(`summary?${november}`)).metrics).toMatchObject({ new_customers: 4, total_customers: 3 });
        const dau = await read('timeseries?metric=dau&start=2026-11-10&end=2026-11-11&tenant=1');
        expect(dau.series.dau.map((point) => point.value)).toEqual([2, 0]);
        // Written under the host's environment, not a default one.
        const environments = await withServer(
          (client) => client.query(`SELECT DISTINCT environment FROM system_metrics_snapshot`),
          database,
        );
        expect(environments.rows).toEqual([{ environment: 'host' }]);

        if (kind.panel) await expectDashboardInHostPanel(base, started);
      } finally {
        await stop?.();
        host.remove();
        await withServer((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
      }
    },
    SLOW,
  );
});

/** The host's own AdminJS panel: its login, its own resource, and the metrics dashboard with the API's numbers. */
async function expectDashboardInHostPanel(
  base: string,
  host: { gone: () => string | undefined; printed: () => string },
): Promise<void> {
  const hostGone = host.gone;
  // @adminjs/nestjs starts AdminJS's development bundler at boot without awaiting it (`admin.watch()`): its first
  // build reads the components' entry file, which the first request for the bundle writes again. A request during
  // that build can hand it a half-written entry, and the build's rejection, which nothing catches, ends the host (a CI
  // rehearsal once saw the host end with a bundler error, its message cut off). Nothing is asked of the panel until
  // the bundler says its first build finished.
  for (const deadline = Date.now() + 600_000; !/Finish bundling/.test(host.printed());) {
    const gone = hostGone();
    if (gone) throw new Error(gone);
    if (Date.now() > deadline) throw new Error(`the host's bundler never finished its first build:\n${host.printed()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(120_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // In development AdminJS bundles the components when the panel starts: wait for that bundle explicitly, before
    // the login page (which runs it too) is opened. The host mounts @adminjs/nestjs's AdminModule, whose file watcher
    // rebuilds the bundle when the first request rewrites its entry: until two reads a few seconds apart agree, a
    // page could load it half written (CI once saw the login page stay empty for 120 s when it was opened first).
    // A read while the bundle is being written may also have its connection dropped (seen under load): read again.
    const bundleUrl = `${base}/admin/frontend/assets/components.bundle.js`;
    let previous = '';
    for (const deadline = Date.now() + 600_000; ; await new Promise((resolve) => setTimeout(resolve, 3_000))) {
      const bundle = await page.request.get(bundleUrl, { timeout: 600_000 }).catch((error: unknown) => {
        // A host that has exited answers nothing again: say why now (CI once waited 600 s on refused connections).
        const gone = hostGone();
        if (gone) throw new Error(gone);
        if (Date.now() > deadline) throw error;
        return undefined;
      });
      if (!bundle) continue;
      expect(bundle.status()).toBe(200);
      expect(bundle.headers()['content-type']).toContain('javascript'); // served before login, not a redirect
      const text = await bundle.text();
      if ((text.length > 0 && text === previous) || Date.now() > deadline) break;
      previous = text;
    }
    await logIn(page, base, 'owner@host.test', 'host-panel-password');
    await page.waitForSelector('[data-testid=metrics-dashboard][data-state=ready]');
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/host-panel-dashboard.png', fullPage: true });
    await page.goto(`${base}/admin/resources/Org`);
    await page.waitForSelector('text=globex');
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
}
