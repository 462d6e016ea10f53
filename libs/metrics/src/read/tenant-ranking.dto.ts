import type { BucketType } from '../entities/snapshot.entity.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Validate } from 'class-validator';
import { IsCalendarDateConstraint } from '../common/date-range.dto.js';
import { OptionalWholeNumber } from '../common/whole-number-param.js';

export const TENANT_RANKING_SORTS = ['mrr', 'active_users', 'growth'] as const;
export type TenantRankingSort = (typeof TENANT_RANKING_SORTS)[number];
export const SORT_ORDERS = ['desc', 'asc'] as const;

/** start, end, sort?, order?, limit?, offset?: the dashboard's tenants table, one page of it. */
export class TenantRankingQueryDto {
  @ApiProperty({ description: 'First day (YYYY-MM-DD, reporting timezone)', example: '2025-01-01', format: 'date' })
  @Validate(IsCalendarDateConstraint)
  start: string;

  @ApiProperty({ description: 'Last day, included', example: '2025-12-31', format: 'date' })
  @Validate(IsCalendarDateConstraint)
  end: string;

  @ApiPropertyOptional({
    enum: TENANT_RANKING_SORTS,
    default: 'mrr',
    description:
      'mrr: MRR on the last day with data; active_users: MAU on that day; growth: MRR growth rate over the range',
  })
  @IsOptional()
  @IsIn(TENANT_RANKING_SORTS, { message: `must be one of ${TENANT_RANKING_SORTS.join(', ')}` })
  sort?: TenantRankingSort;

  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'desc', description: 'Tenants without a value come last' })
  @IsOptional()
  @IsIn(SORT_ORDERS, { message: 'must be desc or asc' })
  order?: (typeof SORT_ORDERS)[number];

  @OptionalWholeNumber({ description: 'Tenants per page', default: 20, minimum: 1, maximum: 100 })
  limit?: number;

  @OptionalWholeNumber({ description: 'Tenants to skip', default: 0, minimum: 0, maximum: 1_000_000 })
  offset?: number;
}

export interface SparkPoint {
  date: string;
  mrr: number | null;
  active_users: number | null;
}

export interface RankedTenant {
  /** 1 for the first tenant in the chosen order, counting the tenants skipped by offset. */
  rank: number;
  tenant: string;
  mrr: number | null;
  mrr_at_start: number | null;
  /** (MRR at the end − MRR at the start) ÷ MRR at the start × 100; null while MRR at the start is 0 or unknown. */
  growth_pct: number | null;
  active_users: number | null;
  /** One point per bucket of the range (daily, weekly or monthly as the dashboard's automatic bucket). */
  sparkline: SparkPoint[];
}

export interface TenantRanking {
  start: string;
  end: string;
  sort: TenantRankingSort;
  order: 'desc' | 'asc';
  bucket: BucketType;
  total: number;
  tenants: RankedTenant[];
}
