import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '@exec-metrics/metrics';
import { adminSessionIsAdmin } from '@exec-metrics/metrics/admin';
import { dataSourceOptions } from '../data-source.js';
import { metricsOptions } from '../metrics-options.js';
import { SignupController } from '../signup.controller.js';
import { AdminPanelModule } from './admin-panel.module.js';

// Step 4: the panel's logged-in admin passes the module's isAdmin too (the dashboard reads the REST API).
const panelAdmin = adminSessionIsAdmin();

@Module({
  imports: [
    TypeOrmModule.forRoot(dataSourceOptions),
    MetricsModule.forRoot({
      ...metricsOptions,
      isAdmin: (request) => metricsOptions.isAdmin!(request) || panelAdmin(request),
    }),
    AdminPanelModule,
  ],
  controllers: [SignupController],
})
export class AppWithPanelModule {}
