import type { CanActivate, ExecutionContext } from '@nestjs/common';

/**
 * Marks the module's own controllers (declared by MetricsRoutes on each controller class), so that the API
 * metrics interceptor (by class) and MetricsApiCounter (by a mark on each request) can leave them out whatever
 * global prefix or path the host gives them.
 */
export const OWN_ROUTES = 'exec-metrics:own-routes';

export function isOwnController(controller: object): boolean {
  return Reflect.getMetadata(OWN_ROUTES, controller) === true;
}

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
