import { Get, Query, Req, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { Audited } from '../security/audit.interceptor.js';
import { TenantScoped, type RequestWithActor } from '../security/metrics-access.guard.js';
import { TenantRankingQueryDto, type TenantRanking } from './tenant-ranking.dto.js';
import { TenantRankingService } from './tenant-ranking.service.js';
import { metricsValidationPipe } from '../common/validation.js';

/**
 * The dashboard's drill-down (issue 15): tenants ranked by MRR, active users or MRR growth over a range, each with
 * a sparkline. A caller limited to some tenants (the tenantScope option) is ranked among those only.
 */
@AdminRoutes('metrics: read')
export class TenantRankingController {
  constructor(private readonly tenantRanking: TenantRankingService) {}

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
  ranking(@Query() query: TenantRankingQueryDto, @Req() request: RequestWithActor): Promise<TenantRanking> {
    return this.tenantRanking.ranking(query, request.metricsTenantScope ?? null);
  }
}
