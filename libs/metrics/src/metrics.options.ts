import type { Request } from 'express';
import type { Registry } from 'prom-client';
import type { MetricsAlertsOptions } from './alerts/alerts.options.js';
import type { MetricSource } from './catalog/catalog.types.js';
import type { BucketType } from './entities/snapshot.entity.js';

/**
 * A request as `isAdmin`, `tenantScope` and `apiTenant` see it: Express's, with the host's logged-in user (whatever
 * its auth puts on `request.user`) readable without a cast, e.g. `(request) => request.user?.role === 'owner'`.
 */
export type MetricsRequest = Request & { user?: Record<string, unknown> };

/**
 * The event sources the compute reads (the catalog's MetricSource but billing and config, which are the module's
 * own); each can be pointed at a relation of the host's (docs/host-integration.md, "Reading your own tables").
 */
export type SourceName = Exclude<MetricSource, 'billing' | 'config'>;

export interface MetricsScheduleOptions {
  /** Run the cron jobs (default true). */
  enabled?: boolean;
  /** Daily snapshot for yesterday (default '0 1 * * *', in the reporting timezone). */
  daily?: string;
  /** Monthly cohorts for last month (default '0 2 1 * *'). */
  cohorts?: string;
}

export interface MetricsStripeOptions {
  secretKey?: string;
  webhookSecret?: string;
  /** The customer metadata key that names the tenant (default 'tenant_id'). */
  tenantMetadataKey?: string;
  /** Point the SDK at another server (tests: a local Stripe-shaped server). */
  apiHost?: string;
  apiPort?: number;
  apiProtocol?: 'http' | 'https';
  /** How old a signed webhook may be, in seconds (default 300, Stripe's). */
  webhookToleranceSeconds?: number;
}

/** The API metrics interceptor's buffering (docs/operations.md, "Counting the host's API requests"). */
export interface MetricsApiOptions {
  /** Flush the counted requests at least this often (default 2000 ms). */
  flushIntervalMs?: number;
  /** Flush early when this many (tenant, minute, route) rows are pending (default 1000). */
  flushAtRows?: number;
  /** Flush early when this many requests were counted since the last flush (default 10,000). */
  flushAtRequests?: number;
  /**
   * Most rows kept while the database cannot be written (default 100,000, about 50 MB): beyond it the oldest
   * minutes are dropped, logged and counted (exec_metrics_api_requests_dropped_total).
   */
  maxPendingRows?: number;
  /** Count the module's own routes too (default false). */
  includeOwnRoutes?: boolean;
  /**
   * Count the host's API requests from Nest's router, without an interceptor (MetricsApiCounter; default false).
   * The recommended way: the same rows as MetricsApiInterceptor, at a fraction of its cost.
   */
  countRequests?: boolean;
}

export interface MetricsModuleOptions {
  /** Snapshot environment name (default: NODE_ENV, else 'production'). */
  environment?: string;
  /** The reporting timezone written to the configuration on first start (default 'UTC'). */
  timezone?: string;
  /** Reporting currency on first start (default 'USD'). */
  currency?: string;
  /** Key actions on first start (default file_upload, worklog_create, report_generate). */
  activationActions?: string[];
  /** Who may read and change metrics. Default: request.user with isAdmin, is_staff or the role 'admin'. */
  isAdmin?: (request: MetricsRequest) => boolean | Promise<boolean>;
  /**
   * The tenants a signed-in admin may see: an array of tenant ids, or null for all (the default for everyone).
   * A scoped user gets 403 on the global view, on a tenant outside the array and on every route that is not
   * about one tenant (configuration changes, runs, tokens, audit, events). Bearer tokens are never scoped.
   */
  tenantScope?: (request: MetricsRequest) => readonly string[] | null | Promise<readonly string[] | null>;
  /**
   * CSRF protection for cookie-authenticated (request.user) requests that change something: they must come with
   * an Origin (or Referer) of this site or of `trustedOrigins`, or with an `x-csrf-token` header equal to the
   * `metrics_csrf` cookie (double submit). Bearer-token requests are exempt. On by default; false turns it off.
   */
  csrf?: false | { trustedOrigins?: string[] };
  /** Bearer tokens with admin rights (reads, config, runs) and tokens that may only post events. */
  adminTokens?: string[];
  ingestTokens?: string[];
  schedule?: MetricsScheduleOptions;
  /** Expose run counts and durations to Prometheus: true (prom-client's default registry) or a registry. */
  prometheus?: boolean | { registry: Registry };
  stripe?: MetricsStripeOptions;
  /**
   * The tenant of a request counted by MetricsApiInterceptor; null or undefined: no tenant (global view only).
   * Default (defaultApiTenant): request.user.tenantId / tenant_id / tenant, else the X-Tenant-Id header.
   */
  apiTenant?: (request: MetricsRequest) => string | null | undefined;
  apiMetrics?: MetricsApiOptions;
  /**
   * Per source, a relation of the host's to read instead of the module's own table: a table or view name,
   * or a parenthesised SELECT. It must expose the columns docs/host-integration.md lists for that source
   * ("Sources: the columns each relation exposes").
   */
  sources?: Partial<Record<SourceName, string>>;
  /** Longest range per bucket type that a read or backfill may ask for, in days (daily default: 3 years). */
  maxRangeDays?: Partial<Record<BucketType, number>>;
  /** Alert evaluation, anomaly detection and delivery settings (docs/alerts.md). */
  alerts?: MetricsAlertsOptions;
}

export const DEFAULT_ROUTE_PREFIX = 'api/system/metrics';

/** Options with their defaults applied. */
export interface ResolvedMetricsOptions extends MetricsModuleOptions {
  environment: string;
  routePrefix: string;
  sources: Partial<Record<SourceName, string>>;
  maxRangeDays: Record<BucketType, number>;
}

export function resolveOptions(options: MetricsModuleOptions, routePrefix: string): ResolvedMetricsOptions {
  return {
    ...options,
    environment: options.environment ?? process.env.NODE_ENV ?? 'production',
    routePrefix,
    sources: options.sources ?? {},
    maxRangeDays: { daily: 3 * 366, weekly: 10 * 366, monthly: 20 * 366, ...(options.maxRangeDays ?? {}) },
  };
}
