import { applyDecorators, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiMetricsErrors } from '../openapi/api-docs.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { MetricsAccess, MetricsAccessGuard } from './metrics-access.guard.js';
import { MetricsRoutes } from './metrics-routes.decorator.js';

/**
 * A controller of admin-only routes: the access guard (admin scope), the audit interceptor for its
 * `@Audited` handlers, and its API reference tag and error answers (MetricsRoutes: the error filter, no path).
 */
export const AdminRoutes = (tag: string) =>
  applyDecorators(
    MetricsRoutes(),
    UseGuards(MetricsAccessGuard),
    MetricsAccess('admin'),
    UseInterceptors(AuditInterceptor),
    ApiTags(tag),
    ApiMetricsErrors(),
  );
