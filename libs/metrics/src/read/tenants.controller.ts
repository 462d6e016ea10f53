import { Get, Query, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiMetricsErrors } from '../openapi/api-docs.js';
import { Audited, AuditInterceptor } from '../security/audit.interceptor.js';
import { MetricsAccess, MetricsAccessGuard } from '../security/metrics-access.guard.js';
import { TenantsQueryDto } from './tenants-query.dto.js';
import { metricsValidationPipe } from '../common/validation.js';
import { SnapshotsRepository } from '../repositories/snapshots.repository.js';
import { MetricsRoutes } from '../security/metrics-routes.decorator.js';

/**
 * The tenants that have snapshots, for the panel's searchable tenant picker: with hundreds of tenants the picker
 * asks for the few matching what was typed instead of loading them all.
 */
@MetricsRoutes()
@UseGuards(MetricsAccessGuard)
@MetricsAccess('admin')
@UsePipes(metricsValidationPipe)
@UseInterceptors(AuditInterceptor)
@ApiTags('metrics: read')
@ApiMetricsErrors()
export class TenantsController {
  constructor(private readonly snapshots: SnapshotsRepository) {}

  @Get('tenants')
  @ApiOperation({ summary: 'Tenants with metrics whose id contains `search`, sorted, at most `limit`' })
  @ApiOkResponse({ description: '{ tenants: string[], total: number } (total: all matches, before the limit)' })
  @Audited('read')
  tenants(@Query() query: TenantsQueryDto): Promise<{ tenants: string[]; total: number }> {
    return this.snapshots.tenants(query.search ?? '', query.limit ?? 50);
  }
}
