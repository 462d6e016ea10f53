/**
 * Marks the module's own controllers (declared by MetricsRoutes on each controller class), so that the API
 * metrics interceptor can leave them out whatever global prefix or path the host gives them.
 */
export const OWN_ROUTES = 'exec-metrics:own-routes';

export function isOwnController(controller: object): boolean {
  return Reflect.getMetadata(OWN_ROUTES, controller) === true;
}
