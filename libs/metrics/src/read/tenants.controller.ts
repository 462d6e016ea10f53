import { Controller, Get, Inject, Query, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { METRICS_OPTIONS } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { ApiMetricsErrors } from '../openapi/api-docs.js';
import { Audited, AuditInterceptor } from '../security/audit.interceptor.js';
import { MetricsAccess, MetricsAccessGuard } from '../security/metrics-access.guard.js';
import { TenantsQueryDto } from './tenants-query.dto.js';
import { metricsValidationPipe } from '../common/validation.js';
import { readQuery } from '../database/read-replica.js';

/**
 * The tenants that have snapshots, for the panel's searchable tenant picker: with hundreds of tenants the picker
 * asks for the few matching what was typed instead of loading them all.
 */
@Controller()
@UseGuards(MetricsAccessGuard)
@MetricsAccess('admin')
@UsePipes(metricsValidationPipe)
@UseInterceptors(AuditInterceptor)
@ApiTags('metrics: read')
@ApiMetricsErrors()
export class TenantsController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
  ) {}

  @Get('tenants')
  @ApiOperation({ summary: 'Tenants with metrics whose id contains `search`, sorted, at most `limit`' })
  @ApiOkResponse({ description: '{ tenants: string[], total: number } (total: all matches, before the limit)' })
  @Audited('read')
  async tenants(@Query() query: TenantsQueryDto): Promise<{ tenants: string[]; total: number }> {
    // Monthly rows: every computed day also writes its month, and there are ~30× fewer of them than daily rows.
    const rows = (await readQuery(
      this.dataSource,
      `SELECT tenant_id, (count(*) OVER ())::int AS total
         FROM (SELECT DISTINCT tenant_id FROM system_metrics_snapshot
                WHERE environment = $1 AND bucket_type = 'monthly' AND tenant_id IS NOT NULL
                  AND position(lower($2) IN lower(tenant_id)) > 0) AS t
        ORDER BY tenant_id LIMIT $3`,
      [this.options.environment, query.search ?? '', query.limit ?? 50],
    )) as { tenant_id: string; total: number }[];
    return { tenants: rows.map((row) => row.tenant_id), total: rows[0]?.total ?? 0 };
  }
}
