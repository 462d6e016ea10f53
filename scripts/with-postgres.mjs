// node scripts/with-postgres.mjs <command...>: runs the command with TEST_DATABASE_URL pointing at a
// PostgreSQL server — the one already named in TEST_DATABASE_URL, or a throw-away one started for it.
import { spawn } from 'node:child_process';
import { startTemporaryPostgres } from './postgres-server.mjs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/with-postgres.mjs <command> [args...]');
  process.exit(2);
}

const server = process.env.TEST_DATABASE_URL ? undefined : await startTemporaryPostgres();
const url = process.env.TEST_DATABASE_URL ?? server.url;
console.log(`PostgreSQL for this run: ${url}`);

const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, TEST_DATABASE_URL: url } });
const stop = () => server?.stop();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  stop();
  process.exit(code ?? (signal ? 1 : 0));
});
