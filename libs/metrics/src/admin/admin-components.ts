import { ComponentLoader } from 'adminjs';
import { fileURLToPath } from 'node:url';

/** The module's React components (components/*.tsx), registered under names unlikely to clash with a host's. */
const FILES = {
  dashboard: 'dashboard',
  runsPage: 'runs-page',
  configEdit: 'config-edit',
  tokenCreate: 'token-create',
  tokenRevoke: 'token-revoke',
  revenuePage: 'revenue-page',
  auditShow: 'audit-show',
} as const;

export type MetricsComponentNames = Record<keyof typeof FILES, string>;

/**
 * Adds the components to a loader (the host's own, when it has one) and returns their names. The paths are
 * absolute, next to this file: the `build` script copies components/ beside the compiled JavaScript.
 */
export function registerMetricsComponents(loader: ComponentLoader): MetricsComponentNames {
  const names = {} as MetricsComponentNames;
  for (const [key, file] of Object.entries(FILES) as [keyof typeof FILES, string][]) {
    const name = `Metrics${key[0].toUpperCase()}${key.slice(1)}`;
    const path = fileURLToPath(new URL(`./components/${file}.tsx`, import.meta.url));
    const existing = loader.getComponents()[name];
    names[key] = existing ? name : loader.add(name, path);
  }
  return names;
}
