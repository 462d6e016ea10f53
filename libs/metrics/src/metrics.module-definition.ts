import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import { DEFAULT_ROUTE_PREFIX, type MetricsModuleOptions } from './metrics.options.js';

/** Options that shape the module itself, so they are given directly, not by an async factory. */
export interface MetricsModuleExtras {
  /** Where the routes live (default api/system/metrics). */
  routePrefix?: string;
  /**
   * Requests per caller (token, signed-in user or session, else client IP) and window on the module's routes
   * (default 600 a minute), and failed authentications (401) per client IP (`authFailures`, default
   * `limit`); false: no limit. Behind a proxy, set Express's `trust proxy` so the client IP is right.
   */
  rateLimit?: { limit: number; ttlMs: number; authFailures?: number } | false;
  /**
   * A Prometheus scrape route (off by default): `true` or `{ path, scrapeToken }`. Path default `metrics`
   * (outside the route prefix, i.e. GET /metrics). Admins (isAdmin or an admin token) may read it, and so may
   * `Authorization: Bearer <scrapeToken>` when a scrape token is set.
   */
  prometheusEndpoint?: boolean | { path?: string; scrapeToken?: string };
}

/** forRoot/forRootAsync and the options token, as the official Nest plugins build them. */
export const {
  ConfigurableModuleClass: MetricsConfigurableModule,
  MODULE_OPTIONS_TOKEN: METRICS_MODULE_OPTIONS,
  OPTIONS_TYPE: METRICS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: METRICS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<MetricsModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<MetricsModuleExtras>({ routePrefix: DEFAULT_ROUTE_PREFIX }, (definition) => definition)
  .build();

/** The options with defaults applied (see resolveOptions). */
export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');

/** Injects the resolved options (ResolvedMetricsOptions): `@InjectMetricsOptions() options: ResolvedMetricsOptions`. */
export const InjectMetricsOptions = (): ReturnType<typeof Inject> => Inject(METRICS_OPTIONS);
