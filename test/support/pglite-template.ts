import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { createPgliteDriver, metricsDataSourceOptions } from '@exec-metrics/metrics';

/**
 * An empty database with every migration applied, dumped once and loaded by each in-memory PGlite test app.
 *
 * Why: a new PGlite database runs its own initdb (3–6 s of WebAssembly) and then our migrations (~1 s); loading a
 * dump of the migrated database takes under a second. The suite starts a few hundred apps, so this is minutes of
 * every run, on PGlite's single core. The dump is keyed by the migrations' text and PGlite's version, so a changed
 * migration builds a new one; the app still runs its migrations at start (none pending) as it would anywhere.
 */
const CACHE = join(process.cwd(), 'node_modules', '.cache', 'exec-metrics-tests');

let loaded: Promise<Blob> | undefined;

/** The migrated database as PGlite's data-directory tarball, built on first use and then read from the cache. */
export function migratedPgliteTemplate(): Promise<Blob> {
  loaded ??= readOrBuild();
  return loaded;
}

/** TypeORM options for an in-memory PGlite that starts from the migrated template. */
export async function pgliteFromTemplate(options: DataSourceOptions): Promise<DataSourceOptions> {
  const loadDataDir = await migratedPgliteTemplate();
  return { ...options, driver: createPgliteDriver(undefined, { loadDataDir }).driver };
}

async function readOrBuild(): Promise<Blob> {
  const file = join(CACHE, `pglite-${templateKey()}.tar`);
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    const dump = await buildTemplate();
    mkdirSync(CACHE, { recursive: true });
    // Written aside and renamed: a test file started at the same time never reads half a dump.
    const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    return dump;
  }
}

async function buildTemplate(): Promise<Blob> {
  const pglite = createPgliteDriver();
  const dataSource = new DataSource({
    ...metricsDataSourceOptions({ pgliteDir: 'memory://' }),
    driver: pglite.driver,
  });
  await dataSource.initialize();
  try {
    return await (await pglite.instance()).dumpDataDir('none');
  } finally {
    await dataSource.destroy();
  }
}

function templateKey(): string {
  const hash = createHash('sha256');
  const pgliteManifest = readFileSync(join(process.cwd(), 'node_modules', '@electric-sql', 'pglite', 'package.json'));
  hash.update(JSON.parse(pgliteManifest.toString()).version as string);
  const migrations = join(process.cwd(), 'migrations');
  for (const name of readdirSync(migrations).sort()) {
    hash.update(name).update(readFileSync(join(migrations, name)));
  }
  return hash.digest('hex').slice(0, 16);
}
