import {
  Inject,
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import type { RequestHandler } from 'express';
import session, { MemoryStore, type Store } from 'express-session';
import { randomBytes } from 'node:crypto';

/** The panel's login session, shared with the metrics API so the dashboard reads the API as the logged-in admin. */
export interface AdminSession {
  cookieName: string;
  cookiePassword: string;
  store: Store;
  /** express-session over the same store and cookie: puts `req.session.adminUser` on API requests too. */
  middleware: RequestHandler;
}

export function createAdminSession(): AdminSession {
  const cookieName = 'exec_metrics_admin';
  const cookiePassword = randomBytes(32).toString('hex');
  // One store for the panel's router and the API: a production host would use a shared store (Redis, SQL).
  const store = new MemoryStore();
  const middleware = session({
    store,
    secret: cookiePassword,
    name: cookieName,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' },
  });
  return { cookieName, cookiePassword, store, middleware };
}

const ADMIN_SESSION = Symbol('ADMIN_SESSION');

/** Mounts the shared session on the metrics API routes only (the panel's router mounts its own). */
@Module({})
export class AdminSessionBridgeModule implements NestModule {
  constructor(@Inject(ADMIN_SESSION) private readonly settings: { adminSession: AdminSession; prefix: string }) {}

  static forRoutes(adminSession: AdminSession, prefix: string): DynamicModule {
    return {
      module: AdminSessionBridgeModule,
      providers: [{ provide: ADMIN_SESSION, useValue: { adminSession, prefix } }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(this.settings.adminSession.middleware)
      .forRoutes({ path: `${this.settings.prefix}/*path`, method: RequestMethod.ALL });
  }
}
