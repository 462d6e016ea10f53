// Builds the package into dist/: the migrations (written in the repository's top-level migrations/, shipped here and
// reached through the package's "#migrations" import), the library with its declarations, and the AdminJS
// components as .tsx sources (AdminJS bundles them in the host, so they ship uncompiled).
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compile = (project) => execFileSync(process.execPath, [tsc, '-p', join(root, project)], { stdio: 'inherit' });

rmSync(join(root, 'dist'), { recursive: true, force: true });
compile('tsconfig.migrations.json');
compile('tsconfig.build.json');
cpSync(join(root, 'src/admin/components'), join(root, 'dist/admin/components'), {
  recursive: true,
  filter: (source) => !source.endsWith('.spec.ts'),
});
console.error('@exec-metrics/metrics built into dist/');
