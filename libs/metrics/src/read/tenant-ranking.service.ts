import { Injectable } from '@nestjs/common';
import { daysBetween } from '../common/calendar-dates.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { TenantRankingRepository } from '../repositories/tenant-ranking.repository.js';
import { RangeChecks } from '../security/range-checks.js';
import type { SparkPoint, TenantRanking, TenantRankingQueryDto } from './tenant-ranking.dto.js';

/** The sparkline's bucket: the dashboard's automatic one for the same range, so both draw the same points. */
function sparklineBucket(start: string, end: string): TenantRanking['bucket'] {
  const days = daysBetween(start, end) + 1;
  return days <= 120 ? 'daily' : days <= 550 ? 'weekly' : 'monthly';
}

/**
 * The dashboard's drill-down (issue 15): tenants ranked by MRR, active users or MRR growth over a range, each with
 * a sparkline. A caller limited to some tenants (the tenantScope option) is ranked among those only.
 */
@Injectable()
export class TenantRankingService {
  constructor(
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    private readonly ranges: RangeChecks,
    private readonly repository: TenantRankingRepository,
  ) {}

  /** One page of the ranking, each tenant with its sparkline: two statements, whatever the number of tenants. */
  async ranking(query: TenantRankingQueryDto, scope: readonly string[] | null): Promise<TenantRanking> {
    const { start, end } = query;
    const bucket = sparklineBucket(start, end);
    await this.ranges.check({ start, end, bucket });
    const sort = query.sort ?? 'mrr';
    const order = query.order ?? 'desc';
    const offset = query.offset ?? 0;
    const environment = this.options.environment;
    const rows = await this.repository.ranking({
      environment,
      start,
      end,
      scope,
      sort,
      order,
      limit: query.limit ?? 20,
      offset,
    });
    const tenants = rows.map((row) => row.tenant_id);
    const points = new Map<string, SparkPoint[]>(tenants.map((tenant) => [tenant, []]));
    if (tenants.length > 0) {
      for (const { tenant_id, ...point } of await this.repository.sparklines({
        environment,
        bucket,
        tenants,
        start,
        end,
      })) {
        points.get(tenant_id)?.push(point);
      }
    }
    return {
      start,
      end,
      sort,
      order,
      bucket,
      total: rows[0]?.total ?? 0,
      tenants: rows.map(({ tenant_id, total: _total, ...values }, index) => ({
        rank: offset + index + 1,
        tenant: tenant_id,
        ...values,
        sparkline: points.get(tenant_id) ?? [],
      })),
    };
  }
}
