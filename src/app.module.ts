import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule, metricsDataSourceOptions } from '../libs/metrics/src/index.js';
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
        }),
        adminPanelModule(environment),
      ],
    };
  }
}
