// Runs before `npm test`: the suite drives Debian's Chromium and starts PostgreSQL servers of its own. What is missing
// is installed with apt-get when this runs as root on Debian; otherwise it says exactly what to run, and stops.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasPostgres = () =>
  existsSync('/usr/lib/postgresql') &&
  readdirSync('/usr/lib/postgresql').some(
    (version) => Number(version) >= 15 && existsSync(`/usr/lib/postgresql/${version}/bin/initdb`),
  );

const missing = [];
if (!existsSync(chromium)) missing.push('chromium');
if (!hasPostgres()) missing.push('postgresql');
if (missing.length === 0) process.exit(0);

const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
if (!canInstall) {
  console.error(
    `npm test needs Debian's ${missing.join(' and ')} (the browser tests drive Chromium; several tests start ` +
      `PostgreSQL servers of their own). Install them with:\n\n  sudo ${command}\n\n` +
      'or point CHROMIUM_PATH at a Chromium binary.',
  );
  process.exit(1);
}
console.log(`Installing what npm test needs: ${missing.join(', ')} (${command})`);
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  // Debian's postgresql package starts a cluster of its own; the tests start their own servers instead.
  spawnSync(
    'sh',
    [
      '-c',
      'for c in /etc/postgresql/*/*; do [ -d "$c" ] && pg_ctlcluster "$(basename "$(dirname "$c")")" "$(basename "$c")" stop; done',
    ],
    { stdio: 'ignore' },
  );
} catch (error) {
  console.error(`Installing ${missing.join(' and ')} failed (${error.message}). Run it yourself:\n\n  ${command}`);
  process.exit(1);
}
