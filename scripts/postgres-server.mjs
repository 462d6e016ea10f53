// Starts a throw-away PostgreSQL server from Debian's packages, for tests and benchmarks:
// its own data directory, loopback only, a free port, settings for speed over durability.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findBinaries() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .map(Number)
        .filter((version) => version >= 15 && existsSync(join(root, String(version), 'bin', 'initdb')))
    : [];
  if (versions.length === 0) {
    throw new Error("No PostgreSQL 15+ server binaries under /usr/lib/postgresql: install Debian's postgresql package");
  }
  return join(root, String(Math.max(...versions)), 'bin');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startTemporaryPostgres({ port, durable = false } = {}) {
  const bin = findBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'exec-metrics-pg-'));
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: run it as the postgres user, who must own the directory.
  const run = (tool, args) => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const chosenPort = port ?? (await freePort());
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const settings = [
    `-p ${chosenPort}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    // A durable server keeps every acknowledged commit across a crash (fault tests); others favour speed.
    `-c synchronous_commit=${durable ? 'on' : 'off'}`,
    '-c full_page_writes=off',
    '-c max_connections=200',
    '-c shared_buffers=256MB',
  ].join(' ');
  run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  run('createdb', ['-h', '127.0.0.1', '-p', String(chosenPort), '-U', 'postgres', 'metrics_test']);
  const primaryUrl = `postgresql://postgres@127.0.0.1:${chosenPort}/metrics_test`;
  return {
    url: primaryUrl,
    /** Stops the server abruptly, as a crash or a lost database host would (for fault tests). */
    crash() {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    /** Starts the same server again, on the same port and data. */
    restart() {
      run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    },
    /**
     * A hot standby of this server (streaming replication from a base backup), as a read replica would be: its
     * own port, read-only, `pause()`/`resume()` of WAL replay, `caughtUp()` once it has replayed all the primary
     * has written.
     */
    async startStandby() {
      const standbyDir = mkdtempSync(join(tmpdir(), 'exec-metrics-pg-standby-'));
      if (asRoot) chownSync(standbyDir, statSync(dir).uid, statSync(dir).gid);
      const standbyData = join(standbyDir, 'data');
      const standbyPort = await freePort();
      run('pg_basebackup', [
        '-h',
        '127.0.0.1',
        '-p',
        String(chosenPort),
        '-U',
        'postgres',
        '-D',
        standbyData,
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
      ]);
      const standbySettings = settings
        .replace(`-p ${chosenPort}`, `-p ${standbyPort}`)
        .replace(`-k ${dir}`, `-k ${standbyDir}`);
      run('pg_ctl', [
        '-D',
        standbyData,
        '-o',
        standbySettings,
        '-l',
        join(standbyDir, 'server.log'),
        '-w',
        '-t',
        '60',
        'start',
      ]);
      const url = `postgresql://postgres@127.0.0.1:${standbyPort}/metrics_test`;
      const sql = (target, text) => {
        const result = spawnSync('psql', [target, '-Atc', text], { encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
        return result.stdout.trim();
      };
      return {
        url,
        pause: () => sql(url, 'SELECT pg_wal_replay_pause()'),
        resume: () => sql(url, 'SELECT pg_wal_replay_resume()'),
        async caughtUp(timeoutMs = 30_000) {
          const target = sql(primaryUrl, 'SELECT pg_current_wal_lsn()');
          const deadline = Date.now() + timeoutMs;
          while (sql(url, `SELECT pg_last_wal_replay_lsn() >= '${target}'::pg_lsn`) !== 't') {
            if (Date.now() > deadline) throw new Error(`standby did not replay up to ${target} in ${timeoutMs} ms`);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        },
        stop() {
          try {
            run('pg_ctl', ['-D', standbyData, '-m', 'fast', '-w', 'stop']);
          } finally {
            rmSync(standbyDir, { recursive: true, force: true });
          }
        },
      };
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
