import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { Get, Query, Res, UsePipes } from '@nestjs/common';
import { Audited } from '../security/audit.interceptor.js';
import type { Response } from 'express';
import { pipeline } from 'node:stream';
import { TenantScoped } from '../security/metrics-access.guard.js';
import { CsvExportService } from './csv-export.service.js';
import { RangeChecks } from '../security/range-checks.js';
import { ExportQueryDto } from './export-query.dto.js';
import { badRequest, metricsValidationPipe } from '../common/validation.js';

/**
 * GET export.csv: the snapshots of a range as a CSV attachment, streamed; one scope (a tenant, or the global view),
 * or with `all_tenants=true` every tenant and then the global view in one answer.
 */
@AdminRoutes('metrics: read')
export class ExportController {
  constructor(
    private readonly exporter: CsvExportService,
    private readonly checks: RangeChecks,
  ) {}

  @Get('export.csv')
  @ApiOperation({ summary: 'Snapshots of a range as a CSV attachment (header: catalog keys), streamed' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv; formula-like cells are prefixed with a quote' })
  @Audited('export', { before: true })
  @TenantScoped('query')
  @UsePipes(metricsValidationPipe)
  async export(@Query() query: ExportQueryDto, @Res() response: Response): Promise<void> {
    const allTenants = query.all_tenants === 'true';
    if (allTenants && query.tenant !== undefined)
      throw badRequest([{ field: 'all_tenants', message: 'cannot be combined with tenant (it exports every tenant)' }]);
    await this.checks.check(query);
    const csv = await this.exporter.open({ ...query, allTenants });
    const scope = allTenants ? 'every-tenant' : (query.tenant ?? 'all-tenants');
    const filename = `metrics-${query.bucket ?? 'daily'}-${scope}-${query.start}-to-${query.end}.csv`;
    response.status(200);
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', `attachment; filename="${filename}"`);
    // A client that goes away mid-way destroys the export too, so its database connection is given back.
    // pipeline() gives back-pressure: the database stream is read only as fast as the client's socket takes it.
    pipeline(csv, response, () => undefined);
  }
}
