import { AdminModule } from '@adminjs/nestjs';
import * as AdminJSTypeorm from '@adminjs/typeorm';
import AdminJS from 'adminjs';
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { DataSource, BaseEntity } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { metricsAdminResources } from '../../libs/metrics/src/index.js';
import type { DemoEnvironment } from '../demo-environment.js';

AdminJS.registerAdapter({ Database: AdminJSTypeorm.Database, Resource: AdminJSTypeorm.Resource });

const same = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** The demo's AdminJS panel at /admin: the metrics resources behind a single admin login. */
export function adminPanelModule(environment: DemoEnvironment) {
  return AdminModule.createAdminAsync({
    inject: [getDataSourceToken()],
    useFactory: (dataSource: DataSource) => {
      // @adminjs/typeorm reaches the tables through BaseEntity, which must know the data source.
      BaseEntity.useDataSource(dataSource);
      return {
        adminJsOptions: {
          rootPath: '/admin',
          resources: metricsAdminResources(),
          branding: { companyName: 'Exec Metrics', withMadeWithLove: false },
        },
        auth: {
          authenticate: async (email: string, password: string) =>
            same(email, environment.adminEmail) && same(password, environment.adminPassword)
              ? { email, title: 'Administrator', role: 'admin' }
              : null,
          cookieName: 'exec_metrics_admin',
          cookiePassword: randomBytes(32).toString('hex'),
        },
        sessionOptions: {
          resave: false,
          saveUninitialized: false,
          secret: randomBytes(32).toString('hex'),
          // Not readable by scripts, not sent on cross-site POSTs, and https-only when the request came over TLS
          // ('auto' follows request.secure, i.e. X-Forwarded-Proto behind a trusted proxy: see TRUST_PROXY).
          cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' },
        },
      };
    },
  });
}
