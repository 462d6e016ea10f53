import { createRequire } from 'node:module';
import type { RollupCommonJSOptions } from '@rollup/plugin-commonjs';
import { componentsBundler } from 'adminjs/bundler';
import type { Plugin } from 'rollup';

// Its types describe a CommonJS module whose default export is the plugin, which NodeNext will not call through an
// ESM import; its CommonJS build is the plugin itself.
const commonjs = createRequire(import.meta.url)('@rollup/plugin-commonjs') as (
  options: RollupCommonJSOptions,
) => Plugin;

/**
 * Makes AdminJS bundle the panel's components the same way every time. AdminJS runs @rollup/plugin-commonjs 25 at
 * its default `strictRequires: 'auto'`, which decides which CommonJS files sit in a `require` cycle while the module
 * graph is still loading; under load it can miss one (rollup/plugins#1425). The charts (recharts, and d3-interpolate
 * inside victory-vendor) have such cycles: a missed one evaluates them in the wrong order, the bundle throws in the
 * browser, and the panel draws nothing at all. `strictRequires: true` — the plugin's own default since version 27 —
 * wraps every CommonJS file and keeps Node's order of evaluation.
 *
 * AdminJS keeps one components bundler per process (its development route, its production `initialize()` and
 * @adminjs/bundler all use it), so this swaps the plugin in that bundler's configuration once.
 */
export function bundleCommonjsStrictly(): void {
  const plugins = componentsBundler.inputOptions.plugins;
  const index = plugins.findIndex(
    (plugin) => typeof plugin === 'object' && plugin !== null && 'name' in plugin && plugin.name === 'commonjs',
  );
  if (index === -1 || plugins[index] === strictPlugin) return;
  strictPlugin ??= commonjs({ strictRequires: true });
  plugins[index] = strictPlugin;
}

let strictPlugin: Plugin | undefined;
