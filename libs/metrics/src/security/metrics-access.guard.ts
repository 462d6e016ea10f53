import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { MetricsRequest, ResolvedMetricsOptions } from '../metrics.options.js';
import { assertSameSite, assertTenantInScope, type TenantSource } from './request-checks.js';
import { TokensService } from './tokens.service.js';

export type AccessScope = 'admin' | 'ingest';
const ACCESS_SCOPE = 'metrics:access-scope';

/** The least a route needs: 'admin' (reads, config, runs) or 'ingest' (posting events; admins may too). */
export const MetricsAccess = (scope: AccessScope) => SetMetadata(ACCESS_SCOPE, scope);

const TENANT_SOURCE = 'metrics:tenant-source';
/**
 * Marks a route a tenant-scoped user (the tenantScope option) may use, and where its tenant is. Routes without
 * it are refused to scoped users: the safe default for routes added later.
 */
export const TenantScoped = (source: TenantSource) => SetMetadata(TENANT_SOURCE, source);

/** Who made a request, as the audit trail and `updated_by` record it. */
export interface MetricsActor {
  kind: 'token' | 'user';
  id: string;
  scope: AccessScope;
}

export type RequestWithActor = MetricsRequest & {
  metricsActor?: MetricsActor;
  /** The tenants this request may see (null: all), set by the guard. */
  metricsTenantScope?: readonly string[] | null;
};

/** The default admin test (docs/security.md): request.user with isAdmin, is_staff or the role 'admin'. */
export function defaultIsAdmin(request: Request): boolean {
  const user = (request as RequestWithActor).user as
    { isAdmin?: unknown; is_staff?: unknown; role?: unknown; roles?: unknown } | undefined;
  if (!user || typeof user !== 'object') return false;
  const roles = Array.isArray(user.roles) ? user.roles : [];
  return user.isAdmin === true || user.is_staff === true || user.role === 'admin' || roles.includes('admin');
}

/** The signed-in person: the host's request.user, else the AdminJS panel's session user (`session.adminUser`). */
function signedInUser(request: RequestWithActor): { id?: unknown; email?: unknown } | undefined {
  const session = (request as { session?: { adminUser?: unknown } }).session;
  const user = request.user ?? session?.adminUser;
  return user && typeof user === 'object' ? user : undefined;
}

/** 401 when nobody is identified, 403 when someone is but may not do this. */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope =
      this.reflector.getAllAndOverride<AccessScope>(ACCESS_SCOPE, [context.getHandler(), context.getClass()]) ??
      'admin';
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new UnauthorizedException('Authorization must be "Bearer <token>"');
      const token = match[1].length <= 200 ? await this.tokens.verify(match[1]) : null;
      if (!token) throw new UnauthorizedException('Unknown or revoked token');
      const actor: MetricsActor = { kind: 'token', id: `token:${token.name}`, scope: token.scope };
      if (scope === 'admin' && actor.scope !== 'admin') throw new ForbiddenException('This token may only post events');
      request.metricsActor = actor;
      return true;
    }
    // A host's isAdmin may recognise someone other than request.user (an AdminJS session, say): ask it first.
    const user = signedInUser(request);
    const isAdmin = await (this.options.isAdmin ?? defaultIsAdmin)(request);
    if (!isAdmin && !user) throw new UnauthorizedException('Sign in as an admin or send a bearer token');
    if (!isAdmin) throw new ForbiddenException('Only admins may use the metrics');
    const name = user?.email ?? user?.id;
    const id = typeof name === 'string' || typeof name === 'number' ? String(name) : 'admin';
    request.metricsActor = { kind: 'user', id, scope: 'admin' };
    // A browser sends the session cookie with any site's form or script: changes must prove they are same-site.
    if (this.options.csrf !== false) assertSameSite(request, this.options.csrf?.trustedOrigins);
    const tenants = this.options.tenantScope ? await this.options.tenantScope(request) : null;
    request.metricsTenantScope = tenants;
    if (tenants) {
      const source = this.reflector.getAllAndOverride<TenantSource | undefined>(TENANT_SOURCE, [
        context.getHandler(),
        context.getClass(),
      ]);
      assertTenantInScope(request, tenants, source);
    }
    return true;
  }
}

/** Who made a change, as its rows record it (`unknown` when no actor was resolved). */
export const actorId = (request: RequestWithActor): string => request.metricsActor?.id ?? 'unknown';
