import { applyDecorators, Controller, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import { MARK_OWN_ROUTE, OWN_ROUTES } from '../metrics-own-routes.js';
import { MetricsErrorFilter } from './metrics-error.filter.js';

/**
 * Every controller of the module: its routes answer JSON with a reason, database outages included (503), never
 * an unexplained 500, and they are marked as the module's own (the API metrics interceptor leaves them out by
 * their class, MetricsApiCounter by the mark MARK_OWN_ROUTE sets on each of their requests).
 * No path: MetricsModule mounts the controllers under the configured prefix with Nest's RouterModule.
 */
export const MetricsRoutes = () =>
  applyDecorators(
    Controller(),
    UseFilters(MetricsErrorFilter),
    SetMetadata(OWN_ROUTES, true),
    UseGuards(MARK_OWN_ROUTE),
  );
