import { createRequire } from 'node:module';
import type { RollupCommonJSOptions } from '@rollup/plugin-commonjs';
import { componentsBundler } from 'adminjs/bundler';
import type { Plugin, RollupLog } from 'rollup';

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
 * Those cycles are then harmless, so Rollup's warning about each of them (printed at every start of the panel) is
 * left out; a cycle that involves a file outside node_modules (the host's own components) is still reported.
 *
 * AdminJS keeps one components bundler per process (its development route, its production `initialize()` and
 * @adminjs/bundler all use it), so this changes that bundler's configuration once.
 */
export function bundleCommonjsStrictly(): void {
  const plugins = componentsBundler.inputOptions.plugins;
  const index = plugins.findIndex(
    (plugin) => typeof plugin === 'object' && plugin !== null && 'name' in plugin && plugin.name === 'commonjs',
  );
  if (index === -1 || plugins[index] === strictPlugin) return;
  strictPlugin ??= commonjs({ strictRequires: true });
  plugins[index] = strictPlugin;
  const reportLog = componentsBundler.inputOptions.onLog;
  componentsBundler.inputOptions.onLog = (level, log, report) => {
    if (isPackageCycle(log)) return;
    if (reportLog) reportLog(level, log, report);
    else report(level, log);
  };
}

/** A require cycle among installed packages' files alone. */
function isPackageCycle(log: RollupLog): boolean {
  return log.code === 'CIRCULAR_DEPENDENCY' && (log.ids ?? []).every((id) => /[\\/]node_modules[\\/]/.test(id));
}

let strictPlugin: Plugin | undefined;
