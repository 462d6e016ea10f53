import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { Get, Query, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { DateRangeDto } from '../common/date-range.dto.js';
import { SnapshotsRepository } from '../repositories/snapshots.repository.js';
import { RangeChecks } from '../security/range-checks.js';
import { metricsValidationPipe } from '../common/validation.js';
import { Audited } from '../security/audit.interceptor.js';
import { TenantScoped } from '../security/metrics-access.guard.js';
import { reconcile, type ReconciliationReport } from './revenue-reconciliation.js';
import { ConventionsCompareService, type ConventionsComparison } from './conventions-compare.service.js';

/** Checks on the revenue numbers: the reconciliation of MRR movements with MRR levels, and the conventions side by side. */
@AdminRoutes('metrics: billing')
export class RevenueChecksController {
  constructor(
    private readonly snapshots: SnapshotsRepository,
    private readonly ranges: RangeChecks,
    private readonly comparison: ConventionsCompareService,
  ) {}

  @Get('revenue/conventions/compare')
  @ApiOperation({
    summary:
      'The headline revenue metrics of a range under the configured conventions and each alternative, side by side; stored numbers are not changed',
  })
  @ApiOkResponse({
    description:
      '{ start, end, tenant, per (the rates given as average monthly rates: over more than one calendar month), variants: [{ name, conventions, metrics }] }',
  })
  @Audited('read')
  @TenantScoped('query')
  @UsePipes(metricsValidationPipe)
  async compare(@Query() query: DateRangeDto): Promise<ConventionsComparison> {
    await this.ranges.check(query);
    return this.comparison.compare(query.start, query.end, query.tenant ?? null);
  }

  @Get('revenue/reconciliation')
  @ApiOperation({
    summary: 'Buckets whose MRR at start + net new MRR differs from MRR at the end (by more than a cent of rounding)',
  })
  @ApiOkResponse({ description: '{ start, end, tenant, checked, differences: [...] }' })
  @Audited('read')
  @TenantScoped('query')
  @UsePipes(metricsValidationPipe)
  async reconciliation(@Query() query: DateRangeDto): Promise<ReconciliationReport> {
    await this.ranges.check(query);
    return reconcile(this.snapshots, { start: query.start, end: query.end, tenant: query.tenant ?? null });
  }
}
