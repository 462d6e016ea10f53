import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiMetricsErrors } from '../openapi/api-docs.js';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Controller, Get, Query, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { Audited, AuditInterceptor } from './audit.interceptor.js';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { metricsValidationPipe, NoQueryDto } from '../read/validation.js';
import type { MetricsAuditLog } from '../entities/security.entity.js';
import { AuditService, type AuditChainReport } from './audit.service.js';
import { MetricsAccess, MetricsAccessGuard } from './metrics-access.guard.js';

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

/** The audit trail, newest first, and its verification, for admins (reading it is audited too). */
@Controller()
@UseGuards(MetricsAccessGuard)
@MetricsAccess('admin')
@UseInterceptors(AuditInterceptor)
@ApiTags('metrics: security')
@ApiMetricsErrors()
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
