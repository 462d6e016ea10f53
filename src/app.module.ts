import { Module, type DynamicModule } from '@nestjs/common';
import type { Request } from 'express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DEFAULT_ROUTE_PREFIX, MetricsModule, defaultIsAdmin, metricsDataSourceOptions } from '@exec-metrics/metrics';
import { adminSessionIsAdmin } from '@exec-metrics/metrics/admin';
import { DemoApiController } from './demo/demo-api.controller.js';
import { AdminPanelModule } from './admin/admin-panel.module.js';
import { AdminSessionBridgeModule, createAdminSession } from './admin/admin-session.js';
import type { DemoEnvironment } from './demo-environment.js';

const panelAdmin = adminSessionIsAdmin();

/** The demo host: its database, the metrics module, and the AdminJS panel. */
@Module({})
export class AppModule {
  static forEnvironment(environment: DemoEnvironment): DynamicModule {
    const adminSession = createAdminSession();
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(
          metricsDataSourceOptions({
            databaseUrl: environment.databaseUrl,
            readReplicaUrl: environment.readDatabaseUrl,
            pgliteDir: environment.pgliteDir,
          }),
        ),
        MetricsModule.forRoot({
          environment: environment.environment,
          timezone: environment.timezone,
          adminTokens: [environment.adminToken],
          ingestTokens: environment.ingestToken ? [environment.ingestToken] : [],
          stripe: environment.stripe,
          // GET /metrics for Prometheus when METRICS_PROMETHEUS_TOKEN is set (admins may read it too).
          ...(environment.prometheusToken ? { prometheusEndpoint: { scrapeToken: environment.prometheusToken } } : {}),
          schedule: { enabled: environment.schedule },
          // METRICS_ALERTS_ALLOW_PRIVATE=on: alert webhooks and SMTP may target loopback and private addresses.
          alerts: { delivery: { allowPrivateNetworks: environment.alertsAllowPrivate } },
          // The panel's logged-in admin reads the same API as integrations (the contract default stays too).
          isAdmin: (request: Request) => defaultIsAdmin(request) || panelAdmin(request),
          // Every request of the host's own API is counted for the operations metrics (not the module's routes).
          apiMetrics: { countRequests: true },
        }),
        AdminSessionBridgeModule.forRoutes(adminSession, DEFAULT_ROUTE_PREFIX),
        AdminPanelModule.forEnvironment(environment, adminSession),
      ],
      controllers: [DemoApiController],
    };
  }
}
