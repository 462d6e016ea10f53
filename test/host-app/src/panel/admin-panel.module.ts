import { AdminModule } from '@adminjs/nestjs';
import * as AdminJSTypeorm from '@adminjs/typeorm';
import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { metricsAdmin } from '@exec-metrics/metrics/admin';
import AdminJS from 'adminjs';
import { BaseEntity, DataSource } from 'typeorm';
import { Org } from '../entities.js';
import { PANEL_COOKIE, PANEL_SECRET, panelSession, panelStore } from './panel-session.js';

// Step 1: AdminJS reads TypeORM entities through its adapter.
AdminJS.registerAdapter({ Database: AdminJSTypeorm.Database, Resource: AdminJSTypeorm.Resource });

const OWNER = { email: 'owner@host.test', password: 'host-panel-password' };

/** The host's own AdminJS panel with its own resource (orgs) and the metrics' dashboard, pages and resources. */
@Module({
  imports: [
    AdminModule.createAdminAsync({
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => {
        // Step 2: @adminjs/typeorm reaches the tables through BaseEntity, which must know the data source.
        BaseEntity.useDataSource(dataSource);
        const metrics = metricsAdmin({ refreshSeconds: 0 });
        return {
          adminJsOptions: {
            rootPath: '/admin',
            componentLoader: metrics.componentLoader,
            resources: [Org, ...metrics.resources],
            dashboard: metrics.dashboard,
            pages: metrics.pages,
            env: metrics.env,
            locale: metrics.locale,
            branding: { companyName: 'Host', withMadeWithLove: false },
          },
          auth: {
            authenticate: async (email: string, password: string) =>
              email === OWNER.email && password === OWNER.password ? { email, role: 'admin' } : null,
            cookieName: PANEL_COOKIE,
            cookiePassword: PANEL_SECRET,
          },
          // Step 3: the panel's session in a store the metrics API shares (see configure below).
          sessionOptions: { store: panelStore, secret: PANEL_SECRET, resave: false, saveUninitialized: false },
        };
      },
    }),
  ],
})
export class AdminPanelModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(panelSession).forRoutes({ path: 'api/system/metrics/*path', method: RequestMethod.ALL });
  }
}
