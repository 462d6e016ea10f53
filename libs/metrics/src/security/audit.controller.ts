import { Controller, Get, Query, UseGuards, UsePipes } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { metricsValidationPipe } from '../read/validation.js';
import type { MetricsAuditLog } from '../entities/security.entity.js';
import { AuditService } from './audit.service.js';
import { MetricsAccess, MetricsAccessGuard } from './metrics-access.guard.js';

export class AuditQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) before_id?: number;
}

/** The audit trail, newest first, for admins. */
@Controller()
@UseGuards(MetricsAccessGuard)
@MetricsAccess('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit')
  @UsePipes(metricsValidationPipe)
  list(@Query() query: AuditQueryDto): Promise<MetricsAuditLog[]> {
    return this.audit.list(query.limit ?? 100, query.before_id === undefined ? undefined : String(query.before_id));
  }
}
