import { ComponentLoader, type LocaleTranslations, type ResourceWithOptions } from 'adminjs';
import { createRequire } from 'node:module';
import { MissingPackageError } from '../common/optional-package.js';
import { METRICS_ADMIN_TRANSLATIONS } from './admin-locale.js';
import { DEFAULT_ROUTE_PREFIX } from '../metrics.options.js';
import { defaultPanelAdmin, type PanelAdminTest } from './admin-access.js';
import { registerMetricsComponents } from './admin-components.js';
import { metricsAdminResources } from './admin-resources.js';
import { bundleCommonjsStrictly } from './strict-commonjs-bundling.js';

export interface MetricsAdminOptions {
  /** The host's loader when it has components of its own; else a new one is made. */
  componentLoader?: ComponentLoader;
  /** Where the host mounted the module's REST API (MetricsModule `routePrefix`), as the browser sees it. */
  apiPrefix?: string;
  /** Dashboard auto-refresh interval in seconds (0: off; the user can change it on the page). */
  refreshSeconds?: number;
  /** Who may see the metrics in the panel (default: isAdmin, is_staff or role 'admin' on the logged-in user). */
  isAdmin?: PanelAdminTest;
}

export interface MetricsAdmin {
  componentLoader: ComponentLoader;
  resources: ResourceWithOptions[];
  dashboard: { component: string };
  pages: Record<
    string,
    { component: string; icon: string; isAccessible: (context: { currentAdmin?: unknown }) => boolean }
  >;
  /** Browser-side settings (AdminJS `env`): the components read the API prefix and refresh interval from here. */
  env: Record<string, string>;
  /** The panel's English words (login page, resource names): AdminJS `locale`. */
  locale: { language: string; availableLanguages: string[]; translations: { en: LocaleTranslations } };
}

/**
 * Everything the metrics add to an AdminJS panel. A host with a panel spreads it into its options:
 * `{ componentLoader, resources: [...mine, ...m.resources], dashboard: m.dashboard, pages: m.pages, env: m.env,
 * locale: m.locale }`.
 */
export function metricsAdmin(options: MetricsAdminOptions = {}): MetricsAdmin {
  requirePanelPackages();
  // Whichever way AdminJS bundles these components (at the first request, at start in production, ahead of time).
  bundleCommonjsStrictly();
  const componentLoader = options.componentLoader ?? new ComponentLoader();
  const components = registerMetricsComponents(componentLoader);
  const isAdmin = options.isAdmin ?? defaultPanelAdmin;
  const prefix = `/${(options.apiPrefix ?? DEFAULT_ROUTE_PREFIX).replace(/^\/+|\/+$/g, '')}`;
  return {
    componentLoader,
    resources: metricsAdminResources({ isAdmin, components }),
    dashboard: { component: components.dashboard },
    pages: {
      Backfill: {
        component: components.runsPage,
        icon: 'Play',
        isAccessible: ({ currentAdmin }) => isAdmin(currentAdmin as Parameters<PanelAdminTest>[0]),
      },
      Revenue: {
        component: components.revenuePage,
        icon: 'DollarSign',
        isAccessible: ({ currentAdmin }) => isAdmin(currentAdmin as Parameters<PanelAdminTest>[0]),
      },
    },
    env: { METRICS_API_PREFIX: prefix, METRICS_REFRESH_SECONDS: String(options.refreshSeconds ?? 60) },
    locale: { language: 'en', availableLanguages: ['en'], translations: { en: METRICS_ADMIN_TRANSLATIONS } },
  };
}

/**
 * The charts are bundled by AdminJS in the host, from the host's node_modules: without recharts the bundle would
 * fail when the panel opens, so say so when the panel is set up.
 */
function requirePanelPackages(): void {
  try {
    createRequire(import.meta.url).resolve('recharts');
  } catch {
    throw new MissingPackageError('recharts', 'The metrics dashboard in AdminJS (metricsAdmin)');
  }
}
