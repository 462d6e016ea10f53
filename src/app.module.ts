import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsApiInterceptor, MetricsModule, metricsDataSourceOptions } from '../libs/metrics/src/index.js';
import { DemoApiController } from './demo/demo-api.controller.js';
import { adminPanelModule } from './admin/admin-panel.module.js';
import type { DemoEnvironment } from './demo-environment.js';

/** The demo host: its database, the metrics module, and the AdminJS panel. */
@Module({})
export class AppModule {
  static forEnvironment(environment: DemoEnvironment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(
          metricsDataSourceOptions({ databaseUrl: environment.databaseUrl, pgliteDir: environment.pgliteDir }),
        ),
        MetricsModule.forRoot({
          environment: environment.environment,
          timezone: environment.timezone,
          adminTokens: [environment.adminToken],
          ingestTokens: environment.ingestToken ? [environment.ingestToken] : [],
          stripe: environment.stripe,
          // GET /metrics for Prometheus when METRICS_PROMETHEUS_TOKEN is set (admins may read it too).
          ...(environment.prometheusToken ? { prometheusEndpoint: { scrapeToken: environment.prometheusToken } } : {}),
        }),
        adminPanelModule(environment),
      ],
      controllers: [DemoApiController],
      // Every request of the host's own API is counted for the operations metrics (not the module's routes).
      providers: [{ provide: APP_INTERCEPTOR, useExisting: MetricsApiInterceptor }],
    };
  }
}
