import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { COHORTS_SCHEMA, SUMMARY_SCHEMA, TIMESERIES_SCHEMA } from '../openapi/api-docs.js';
import { Get, Query, UsePipes } from '@nestjs/common';
import { Audited } from '../security/audit.interceptor.js';
import { PUBLIC_METRICS } from '../catalog/metric-catalog.js';
import { TenantScoped } from '../security/metrics-access.guard.js';
import { CohortsService, type CohortRow } from './cohorts.service.js';
import { RangeChecks } from '../security/range-checks.js';
import { ReadCache } from '../repositories/read-cache.service.js';
import { CohortsQueryDto, RangeQueryDto, TimeseriesQueryDto } from './read-query.dto.js';
import { SummaryService, type MetricsSummary } from './summary.service.js';
import { TimeseriesService, type BreakdownKind, type Timeseries } from './timeseries.service.js';
import { badRequest, metricsValidationPipe, NoQueryDto } from '../common/validation.js';

/** The dashboard reads (contract.md, "Reading"). The path prefix comes from the module options. */
@AdminRoutes('metrics: read')
@UsePipes(metricsValidationPipe)
export class MetricsReadController {
  constructor(
    private readonly summaries: SummaryService,
    private readonly timeseriesReader: TimeseriesService,
    private readonly cohortReader: CohortsService,
    private readonly checks: RangeChecks,
    private readonly cache: ReadCache,
  ) {}

  @Get('summary')
  @ApiOperation({ summary: 'Every metric aggregated over a range by its kind, the latest snapshot and its alerts' })
  @ApiOkResponse({ schema: SUMMARY_SCHEMA })
  @Audited('read')
  @TenantScoped('query')
  async summary(@Query() query: RangeQueryDto): Promise<MetricsSummary> {
    await this.checks.check(query);
    return this.cache.getOrCompute(`summary:${JSON.stringify(query)}`, () => this.summaries.summary(query));
  }

  @Get('timeseries')
  @ApiOperation({ summary: 'Metric values per bucket, one point per bucket, null where none was computed' })
  @ApiOkResponse({ schema: TIMESERIES_SCHEMA })
  @Audited('read')
  @TenantScoped('query')
  async timeseries(@Query() query: TimeseriesQueryDto): Promise<Timeseries> {
    const metrics = [...new Set(query.metric.split(','))];
    const breakdowns = [...new Set(query.breakdown?.split(',') ?? [])] as BreakdownKind[];
    await this.checks.check(query, metrics);
    return this.cache.getOrCompute(`timeseries:${JSON.stringify({ ...query, metrics, breakdowns })}`, () =>
      this.timeseriesReader.timeseries({ ...query, metrics, breakdowns }),
    );
  }

  @Get('cohorts')
  @ApiOperation({ summary: 'Monthly signup cohorts with week 1/4/12 retention and the full curve' })
  @ApiOkResponse({ schema: COHORTS_SCHEMA })
  @Audited('read')
  @TenantScoped('query')
  async cohorts(@Query() query: CohortsQueryDto): Promise<{ cohorts: CohortRow[] }> {
    if (query.tenant) {
      const errors: { field: string; message: string }[] = [];
      await this.checks.checkTenant(query.tenant, errors);
      if (errors.length > 0) throw badRequest(errors);
    }
    return { cohorts: await this.cohortReader.cohorts(query.tenant ?? null, query.months ?? 6) };
  }

  @Get('catalog')
  @ApiOperation({ summary: 'Every metric: key, label, unit, kind, group, description' })
  @ApiOkResponse({ description: '{ metrics: [{ key, label, unit, kind, group, description }] }' })
  @Audited('read')
  @TenantScoped('none')
  // The query is validated only, so that an unknown parameter is refused by name rather than ignored.
  catalog(@Query() _query: NoQueryDto) {
    return {
      metrics: PUBLIC_METRICS.map(({ key, label, unit, kind, group, description }) => ({
        key,
        label,
        unit,
        kind,
        group,
        description,
      })),
    };
  }
}
