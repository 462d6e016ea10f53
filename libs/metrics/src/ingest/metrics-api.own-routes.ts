import type { CanActivate, ExecutionContext } from '@nestjs/common';

/** Set on a request by the module's own controllers: MetricsApiCounter leaves the request out. */
export const OWN_ROUTE_REQUEST = Symbol('exec-metrics:own-route-request');

/**
 * A guard on every controller of the module (MetricsRoutes) that refuses nothing: it marks the request as one of
 * the module's own, by class, whatever path the host mounts the module under. It runs only on the module's own
 * routes, so the host's requests pay nothing for it. One instance, no dependencies.
 */
export const MARK_OWN_ROUTE: CanActivate = {
  canActivate(context: ExecutionContext): boolean {
    const request = context.getArgByIndex<Record<symbol, unknown> | undefined>(0);
    if (request) request[OWN_ROUTE_REQUEST] = true;
    return true;
  },
};
