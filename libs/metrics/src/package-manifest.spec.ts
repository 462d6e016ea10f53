import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

/** Every package the library's sources import is declared in its package.json, as a dependency or a peer. */
describe('the package manifest', () => {
  const root = join(import.meta.dirname, '..');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sources(path);
      return /\.tsx?$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name) ? [path] : [];
    });
  }

  it('declares every imported package', () => {
    const imported = new Set<string>();
    for (const file of sources(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const statements =
        /^(?:import|export)\b[^;]*?from '([^']+)'|^import '([^']+)'|\bimport\('([^']+)'\)|^declare module '([^']+)'/gm;
      for (const match of text.matchAll(statements)) {
        const specifier = match.slice(1).find(Boolean)!;
        if (/^[.#]/.test(specifier)) continue;
        if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        const parts = specifier.split('/');
        imported.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
      }
    }
    // express is imported for its types only; @types/express is the (optional) peer that provides them. The panel's
    // components get react and @adminjs/design-system from AdminJS's page (globals its bundler leaves external).
    const providedByAdminJs = new Set(['react', '@adminjs/design-system']);
    const missing = [...imported].filter(
      (name) => !declared.has(name) && !declared.has(`@types/${name}`) && !providedByAdminJs.has(name),
    );
    expect(missing).toEqual([]);
    expect(imported.size).toBeGreaterThan(15);
  });
});
