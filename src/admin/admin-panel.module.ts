import { ExpressLoader, type AdminModuleOptions } from '@adminjs/nestjs';
import * as AdminJSTypeorm from '@adminjs/typeorm';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import AdminJS from 'adminjs';
import { timingSafeEqual, createHash } from 'node:crypto';
import { DataSource, BaseEntity } from 'typeorm';
import { bundleAdminComponents, metricsAdmin, type MetricsAdmin } from '@exec-metrics/metrics/admin';
import type { DemoEnvironment } from '../demo-environment.js';
import type { AdminSession } from './admin-session.js';

AdminJS.registerAdapter({ Database: AdminJSTypeorm.Database, Resource: AdminJSTypeorm.Resource });

const same = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** The metrics' part of the panel; also used by `npm run admin:bundle` to bundle the same components. */
export function demoMetricsAdmin(): MetricsAdmin {
  return metricsAdmin({ refreshSeconds: Number(process.env.METRICS_REFRESH_SECONDS ?? 60) });
}

/**
 * The demo's AdminJS options: the panel at /admin behind a single admin login. Plugging the metrics in takes the
 * lines marked "metrics": a host with its own panel adds its resources next to ours.
 */
export function adminPanelOptions(environment: DemoEnvironment, adminSession: AdminSession): AdminModuleOptions {
  const metrics = demoMetricsAdmin(); // metrics
  return {
    adminJsOptions: {
      rootPath: '/admin',
      componentLoader: metrics.componentLoader, // metrics
      resources: [...metrics.resources], // metrics (a host puts its own resources first)
      dashboard: metrics.dashboard, // metrics
      pages: metrics.pages, // metrics
      env: metrics.env, // metrics
      locale: metrics.locale, // metrics: the login page and the sidebar in the product's words
      // Production: browser files bundled ahead of time by `npm run admin:bundle`, served by main.ts at
      // /admin-assets/ (AdminJS wants an absolute URL; ADMIN_ASSETS_URL points elsewhere, a CDN say).
      ...(process.env.ADMIN_JS_SKIP_BUNDLE === 'true'
        ? { assetsCDN: process.env.ADMIN_ASSETS_URL ?? `http://localhost:${environment.port}/admin-assets/` }
        : {}),
      branding: { companyName: 'Exec Metrics', withMadeWithLove: false, logo: false },
    },
    auth: {
      authenticate: (email: string, password: string) =>
        Promise.resolve(
          same(email, environment.adminEmail) && same(password, environment.adminPassword)
            ? { email, title: 'Administrator', role: 'admin' }
            : null,
        ),
      cookieName: adminSession.cookieName,
      cookiePassword: adminSession.cookiePassword,
    },
    // The same store and secret as the API's session middleware (admin-session.ts): one login for both.
    sessionOptions: {
      resave: false,
      saveUninitialized: false,
      store: adminSession.store,
      secret: adminSession.cookiePassword,
      // Not readable by scripts, not sent on cross-site POSTs, and https-only when the request came over TLS
      // ('auto' follows request.secure, i.e. X-Forwarded-Proto behind a trusted proxy: see TRUST_PROXY).
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' },
    },
  };
}

const PANEL = Symbol('ADMIN_PANEL');

/**
 * Mounts the panel like @adminjs/nestjs's AdminModule does, minus its `admin.watch()`: that starts a file watcher
 * that is never closed, so the app could not shut down cleanly. Components are bundled once instead — at the first
 * request in development (main.ts asks right after start: warmAdminBundle), ahead of time in production.
 */
@Module({})
export class AdminPanelModule implements OnModuleInit, OnApplicationShutdown {
  /** AdminJS's own initialize(): the production bundling, when it bundles at start. */
  private initializing?: Promise<void>;
  /** The development bundle built by bundleComponents(). */
  private bundling?: Promise<void>;
  private admin?: AdminJS;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly dataSource: DataSource,
    @Inject(PANEL) private readonly settings: { environment: DemoEnvironment; adminSession: AdminSession },
  ) {}

  static forEnvironment(environment: DemoEnvironment, adminSession: AdminSession): DynamicModule {
    return { module: AdminPanelModule, providers: [{ provide: PANEL, useValue: { environment, adminSession } }] };
  }

  async onModuleInit(): Promise<void> {
    // @adminjs/typeorm reaches the tables through BaseEntity, which must know the data source.
    BaseEntity.useDataSource(this.dataSource);
    const options = adminPanelOptions(this.settings.environment, this.settings.adminSession);
    const admin = (this.admin = new AdminJS(options.adminJsOptions));
    // In production (without ADMIN_JS_SKIP_BUNDLE) the router starts bundling in the background and never awaits
    // it: keep hold of that work so that closing the app waits for it instead of cutting the bundler off mid-file.
    const initialize = admin.initialize.bind(admin);
    admin.initialize = () => (this.initializing = initialize());
    await new ExpressLoader().register(admin, this.adapterHost.httpAdapter, {
      ...options,
      adminJsOptions: admin.options,
    });
  }

  /**
   * Development: builds the components bundle that AdminJS would otherwise build at the first request for it, and
   * resolves once the panel can render. main.ts starts it right after start-up; tests await it before a browser opens
   * the panel, so no page ever waits on a bundle still being built (on a cold machine that takes minutes).
   */
  bundleComponents(): Promise<void> {
    if (!this.admin) throw new Error('the admin panel is not initialised yet');
    // Production bundles in initialize() (or ahead of time); development bundles here.
    if (process.env.NODE_ENV === 'production') return this.initializing ?? Promise.resolve();
    this.bundling ??= bundleAdminComponents(this.admin);
    return this.bundling;
  }

  async onApplicationShutdown(): Promise<void> {
    const started = [this.initializing, this.bundling].filter((work) => work !== undefined);
    await Promise.all(started.map((work) => work.catch(() => undefined)));
  }
}
