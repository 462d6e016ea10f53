import type { Request } from 'express';
import { TENANT_PATTERN } from '../common/event.types.js';

/**
 * The default tenant of an API request: the signed-in user's tenantId / tenant_id / tenant (set by the host's
 * auth before interceptors run), else the X-Tenant-Id header. Anything that is not a valid tenant name
 * (at most 64 of A-Z, a-z, 0-9, _, . and -) counts as no tenant, i.e. in the global view only.
 */
export function defaultApiTenant(request: Request): string | null {
  const user = (request as Request & { user?: unknown }).user as
    { tenantId?: unknown; tenant_id?: unknown; tenant?: unknown } | undefined;
  const fromUser = user && typeof user === 'object' ? (user.tenantId ?? user.tenant_id ?? user.tenant) : undefined;
  const candidate = fromUser ?? request.headers?.['x-tenant-id'];
  return typeof candidate === 'string' && TENANT_PATTERN.test(candidate) ? candidate : null;
}

/** A host's tenant resolver made safe: a throw or an invalid name counts as no tenant, never a failed request. */
export function safeTenant(resolve: (request: Request) => string | null | undefined, request: Request): string | null {
  try {
    const tenant = resolve(request);
    return typeof tenant === 'string' && TENANT_PATTERN.test(tenant) ? tenant : null;
  } catch {
    return null;
  }
}
