import { ForbiddenException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** Where a route finds its tenant for the tenantScope option: a query or body field, or nowhere (catalog). */
export type TenantSource = 'query' | 'body' | 'none';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_COOKIE = 'metrics_csrf';
export const CSRF_HEADER = 'x-csrf-token';

function cookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function originOf(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/**
 * A cookie-authenticated request that changes something must show it comes from this site: an Origin (or,
 * without one, a Referer) equal to the site's own origin or a trusted one, or the double-submit token.
 */
export function assertSameSite(request: Request, trustedOrigins: readonly string[] = []): void {
  if (SAFE_METHODS.has(request.method)) return;
  const header = request.headers[CSRF_HEADER];
  const token = cookie(request, CSRF_COOKIE);
  if (typeof header === 'string' && token && header.length === token.length && header.length >= 16) {
    if (timingSafeEqual(Buffer.from(header), Buffer.from(token))) return;
  }
  const origin = originOf(request.headers.origin) ?? originOf(request.headers.referer);
  // request.protocol honours the host's "trust proxy" setting, so a TLS-terminating proxy gives https here.
  const own = `${request.protocol}://${request.headers.host ?? ''}`;
  if (origin && (origin === originOf(own) || trustedOrigins.some((trusted) => originOf(trusted) === origin))) return;
  throw new ForbiddenException(
    origin
      ? `Cross-site request refused: origin ${origin} is not this site`
      : `Cross-site request refused: send an Origin header of this site, or the ${CSRF_HEADER} header equal to the ${CSRF_COOKIE} cookie`,
  );
}

/** A scoped user may read tenants of their scope only, and nothing that is not about one tenant. */
export function assertTenantInScope(request: Request, scope: readonly string[], source: TenantSource | undefined) {
  if (source === undefined)
    throw new ForbiddenException('Your access is limited to some tenants; this route needs access to all of them');
  if (source === 'none') return;
  const values = (source === 'query' ? request.query : request.body) as Record<string, unknown> | undefined;
  const tenant = values && typeof values === 'object' ? values.tenant : undefined;
  if (tenant === undefined)
    throw new ForbiddenException(
      `Your access is limited to tenants ${scope.join(', ')}: name one with "tenant"; the global view needs access to all`,
    );
  if (typeof tenant !== 'string' || !scope.includes(tenant))
    throw new ForbiddenException(`Tenant ${JSON.stringify(tenant).slice(0, 80)} is outside your access`);
}
