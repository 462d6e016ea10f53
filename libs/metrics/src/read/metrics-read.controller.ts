import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { COHORTS_SCHEMA, SUMMARY_SCHEMA, TIMESERIES_SCHEMA } from '../openapi/api-docs.js';
import { Get, Query, UsePipes } from '@nestjs/common';
import { Audited } from '../security/audit.interceptor.js';
import { TenantScoped } from '../security/metrics-access.guard.js';
import type { CohortRow } from './cohorts.service.js';
import { CohortsQueryDto, RangeQueryDto, TimeseriesQueryDto } from './read-query.dto.js';
import type { MetricsSummary } from './summary.service.js';
import type { Timeseries } from './timeseries.service.js';
import { metricsValidationPipe, NoQueryDto } from '../common/validation.js';
import { DashboardReads, type CatalogEntry } from './dashboard-reads.service.js';

/** The dashboard reads (docs/api.md). The path prefix comes from the module options. */
@AdminRoutes('metrics: read')
@UsePipes(metricsValidationPipe)
export class MetricsReadController {
  constructor(private readonly reads: DashboardReads) {}

  @Get('summary')
  @ApiOperation({ summary: 'Every metric aggregated over a range by its kind, the latest snapshot and its alerts' })
  @ApiOkResponse({ schema: SUMMARY_SCHEMA })
  @Audited('read')
  @TenantScoped('query')
  summary(@Query() query: RangeQueryDto): Promise<MetricsSummary> {
    return this.reads.summary(query);
  }

  @Get('timeseries')
  @ApiOperation({ summary: 'Metric values per bucket, one point per bucket, null where none was computed' })
  @ApiOkResponse({ schema: TIMESERIES_SCHEMA })
  @Audited('read')
  @TenantScoped('query')
  timeseries(@Query() query: TimeseriesQueryDto): Promise<Timeseries> {
    return this.reads.timeseries(query);
  }

  @Get('cohorts')
  @ApiOperation({ summary: 'Monthly signup cohorts with week 1/4/12 retention and the full curve' })
  @ApiOkResponse({ schema: COHORTS_SCHEMA })
  @Audited('read')
  @TenantScoped('query')
  cohorts(@Query() query: CohortsQueryDto): Promise<{ cohorts: CohortRow[] }> {
    return this.reads.cohorts(query);
  }

  @Get('catalog')
  @ApiOperation({ summary: 'Every metric: key, label, unit, kind, group, description' })
  @ApiOkResponse({ description: '{ metrics: [{ key, label, unit, kind, group, description }] }' })
  @Audited('read')
  @TenantScoped('none')
  // The query is validated only, so that an unknown parameter is refused by name rather than ignored.
  catalog(@Query() _query: NoQueryDto): { metrics: CatalogEntry[] } {
    return this.reads.catalog();
  }
}
