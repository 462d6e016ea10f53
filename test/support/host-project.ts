import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const TEMPLATE = join(import.meta.dirname, '..', 'host-app');
const REPOSITORY = join(import.meta.dirname, '..', '..');

export interface PackedLibrary {
  tarball: string;
  size: number;
  unpackedSize: number;
  files: string[];
}

/** `npm pack` of the library as a host would get it from a registry (its prepack builds it). */
export async function packLibrary(destination: string): Promise<PackedLibrary> {
  const { stdout } = await exec(
    'npm',
    ['pack', '-w', '@exec-metrics/metrics', '--pack-destination', destination, '--json'],
    { cwd: REPOSITORY, maxBuffer: 64 * 1024 * 1024 },
  );
  const [packed] = JSON.parse(stdout) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  return {
    tarball: join(destination, packed.filename),
    size: packed.size,
    unpackedSize: packed.unpackedSize,
    files: packed.files.map((file) => file.path),
  };
}

/** What a host of one kind installs: TypeORM 0.3 with the AdminJS panel, or TypeORM 1.x without it. */
export type HostKind = { typeorm: '0.3'; panel: true } | { typeorm: '1'; panel: false };

function hostPackageJson(tarball: string, kind: HostKind) {
  const panel = {
    adminjs: '^7.8.17',
    '@adminjs/nestjs': '^7.0.0',
    '@adminjs/express': '^6.1.1',
    '@adminjs/typeorm': '^5.0.1',
    'express-session': '^1.18.0',
    'express-formidable': '^1.2.0',
    recharts: '^2.15.4',
  };
  return {
    name: `host-app-typeorm-${kind.typeorm}`,
    private: true,
    type: 'module',
    dependencies: {
      '@exec-metrics/metrics': `file:${tarball}`,
      '@nestjs/common': '^12.0.0',
      '@nestjs/core': '^12.0.0',
      '@nestjs/platform-express': '^12.0.0',
      '@nestjs/typeorm': '^12.0.0',
      '@nestjs/schedule': '^12.0.0',
      typeorm: kind.typeorm === '0.3' ? '^0.3.28' : '^1.0.0',
      pg: '^8.16.0',
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.2',
      ...(kind.panel ? panel : {}),
    },
    devDependencies: {
      typescript: '5.9',
      '@types/node': '^20.19.0',
      '@types/express': '^5.0.0',
      ...(kind.panel ? { '@types/express-session': '^1.18.0' } : {}),
    },
  };
}

export interface HostProject {
  dir: string;
  /** Runs a command in the host's folder; resolves with its output and exit code (never throws on exit code). */
  run(command: string, args: string[], env?: Record<string, string>): Promise<{ code: number; output: string }>;
  remove(): void;
}

/**
 * A fresh host app from test/host-app: its package.json for this kind, `npm install` of the tarball (a real
 * install, no workspace link), then `tsc` over the host's sources.
 */
export async function createHostProject(tarball: string, kind: HostKind): Promise<HostProject> {
  const dir = mkdtempSync(join(tmpdir(), `exec-metrics-host-${kind.typeorm}-`));
  cpSync(TEMPLATE, dir, { recursive: true, filter: (source) => !/node_modules|dist/.test(source) });
  if (!kind.panel) rmSync(join(dir, 'src', 'panel'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(hostPackageJson(tarball, kind), null, 2));
  const run = (command: string, args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; output: string }>((resolve) => {
      const child = spawn(command, args, { cwd: dir, env: { ...process.env, ...env } });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('close', (code) => resolve({ code: code ?? 1, output }));
    });
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
  if (install.code !== 0) throw new Error(`npm install in the host failed:\n${install.output}`);
  return { dir, run, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * What the host printed without the lines that only quote a file path: a bundler's error lists every watched file
 * (500 of them) after its message, which would otherwise push the message itself out of the 8,000 characters shown.
 */
function withoutPathLists(output: string): string {
  return output.replace(/^\s*'\/[^'\n]*',?\n/gm, '');
}

/**
 * Starts the host's built app; resolves once it says it is ready (or rejects with what it printed). `gone` tells,
 * later, whether the host has exited since, with its exit and the end of what it printed: a test waiting on it can then
 * fail at once with the reason instead of meeting refused connections until its timeout. `printed`: everything it has
 * printed so far.
 */
export function startHost(
  host: HostProject,
  entry: string,
  env: Record<string, string>,
): Promise<{
  child: ChildProcess;
  stop: () => Promise<void>;
  gone: () => string | undefined;
  printed: () => string;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], { cwd: host.dir, env: { ...process.env, ...env } });
    let output = '';
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
    let exit: string | undefined;
    child.once(
      'exit',
      (code, signal) =>
        (exit = `the host exited (code ${code}, signal ${signal}); it printed, last 8,000 characters:\n${withoutPathLists(output).slice(-8000)}`),
    );
    const gone = () => exit;
    const printed = () => output;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/ready on http/.test(output)) resolve({ child, stop, gone, printed });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the host exited with ${code} before it was ready:\n${output}`)));
  });
}
