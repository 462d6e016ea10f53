import { applyDecorators, Controller, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiMetricsErrors } from '../openapi/api-docs.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { MetricsAccess, MetricsAccessGuard } from './metrics-access.guard.js';

/**
 * A controller of admin-only routes: the access guard (admin scope), the audit interceptor for its
 * `@Audited` handlers, and its API reference tag and error answers. The path prefix is set by the module.
 */
export const AdminRoutes = (tag: string) =>
  applyDecorators(
    Controller(),
    UseGuards(MetricsAccessGuard),
    MetricsAccess('admin'),
    UseInterceptors(AuditInterceptor),
    ApiTags(tag),
    ApiMetricsErrors(),
  );
