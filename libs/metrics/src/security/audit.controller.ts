import { AdminRoutes } from './admin-routes.decorator.js';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Get, Query, UsePipes } from '@nestjs/common';
import { Audited } from './audit.interceptor.js';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { metricsValidationPipe, NoQueryDto } from '../common/validation.js';
import type { MetricsAuditLog } from '../entities/security.entity.js';
import { AuditService, type AuditChainReport } from './audit.service.js';

export class AuditQueryDto {
  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Page backwards: records older than this id' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  before_id?: number;
}

/** The audit trail, newest first, for admins. */
@AdminRoutes('metrics: security')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit/verify')
  @ApiOperation({ summary: 'Verify the hash chain of the audit trail; reports the first broken link' })
  @ApiOkResponse({ description: '{ ok, records, head, first_broken: { id, reason } | null }' })
  @Audited('read')
  @UsePipes(metricsValidationPipe)
  // The query is validated only, so that an unknown parameter is refused by name rather than ignored.
  verify(@Query() _query: NoQueryDto): Promise<AuditChainReport> {
    return this.audit.verify();
  }

  @Get('audit')
  @ApiOperation({ summary: 'The audit trail, newest first' })
  @ApiOkResponse({
    description: '[{ id, at, actor, actor_kind, ip, method, route, action, params, changes, outcome }]',
  })
  @Audited('read')
  @UsePipes(metricsValidationPipe)
  list(@Query() query: AuditQueryDto): Promise<MetricsAuditLog[]> {
    return this.audit.list(query.limit ?? 100, query.before_id === undefined ? undefined : String(query.before_id));
  }
}
