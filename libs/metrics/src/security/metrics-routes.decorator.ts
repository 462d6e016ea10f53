import { applyDecorators, Controller, SetMetadata, UseFilters } from '@nestjs/common';
import { OWN_ROUTES } from '../metrics-own-routes.js';
import { MetricsErrorFilter } from './metrics-error.filter.js';

/**
 * Every controller of the module: its routes answer JSON with a reason, database outages included (503), never
 * an unexplained 500, and they are marked as the module's own (the API metrics interceptor leaves them out).
 * No path: MetricsModule mounts the controllers under the configured prefix with Nest's RouterModule.
 */
export const MetricsRoutes = () =>
  applyDecorators(Controller(), UseFilters(MetricsErrorFilter), SetMetadata(OWN_ROUTES, true));
