import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiMetricsErrors } from '../openapi/api-docs.js';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Controller, Get, Query, UseGuards, UsePipes } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { metricsValidationPipe } from '../read/validation.js';
import type { MetricsAuditLog } from '../entities/security.entity.js';
import { AuditService } from './audit.service.js';
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

/** The audit trail, newest first, for admins. */
@Controller()
@UseGuards(MetricsAccessGuard)
@MetricsAccess('admin')
@ApiTags('metrics: security')
@ApiMetricsErrors()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit')
  @ApiOperation({ summary: 'The audit trail, newest first' })
  @ApiOkResponse({
    description: '[{ id, at, actor, actor_kind, ip, method, route, action, params, changes, outcome }]',
  })
  @UsePipes(metricsValidationPipe)
  list(@Query() query: AuditQueryDto): Promise<MetricsAuditLog[]> {
    return this.audit.list(query.limit ?? 100, query.before_id === undefined ? undefined : String(query.before_id));
  }
}
