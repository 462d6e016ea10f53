import { Get, Query, Req, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { daysBetween } from '../common/calendar-dates.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { Audited } from '../security/audit.interceptor.js';
import { TenantScoped, type RequestWithActor } from '../security/metrics-access.guard.js';
import { RangeChecks } from '../security/range-checks.js';
import { TenantRankingQueryDto, type TenantRanking } from './tenant-ranking.dto.js';
import { rankTenants } from './tenant-ranking.sql.js';
import { metricsValidationPipe } from '../common/validation.js';

/** The sparkline's bucket: the dashboard's automatic one for the same range, so both draw the same points. */
function sparklineBucket(start: string, end: string): TenantRanking['bucket'] {
  const days = daysBetween(start, end) + 1;
  return days <= 120 ? 'daily' : days <= 550 ? 'weekly' : 'monthly';
}

/**
 * The dashboard's drill-down (issue 15): tenants ranked by MRR, active users or MRR growth over a range, each with
 * a sparkline. A caller limited to some tenants (the tenantScope option) is ranked among those only.
 */
@AdminRoutes('metrics: read')
export class TenantRankingController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    private readonly ranges: RangeChecks,
  ) {}

  @Get('tenants/ranking')
  @ApiOperation({ summary: 'Tenants ranked by MRR, active users (MAU) or MRR growth over a range, with sparklines' })
  @ApiOkResponse({
    description:
      '{ start, end, sort, order, bucket, total, tenants: [{ rank, tenant, mrr, mrr_at_start, growth_pct, ' +
      'active_users, sparkline: [{ date, mrr, active_users }] }] }',
  })
  @Audited('read')
  @TenantScoped('none')
  @UsePipes(metricsValidationPipe)
  async ranking(@Query() query: TenantRankingQueryDto, @Req() request: RequestWithActor): Promise<TenantRanking> {
    const bucket = sparklineBucket(query.start, query.end);
    await this.ranges.check({ start: query.start, end: query.end, bucket });
    const sort = query.sort ?? 'mrr';
    const order = query.order ?? 'desc';
    const page = await rankTenants(this.dataSource, {
      environment: this.options.environment,
      start: query.start,
      end: query.end,
      scope: request.metricsTenantScope ?? null,
      sort,
      order,
      bucket,
      limit: query.limit ?? 20,
      offset: query.offset ?? 0,
    });
    return { start: query.start, end: query.end, sort, order, bucket, ...page };
  }
}
