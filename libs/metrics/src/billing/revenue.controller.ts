import {
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Query,
  Req,
  UseGuards,
  UseInterceptors,
  UsePipes,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiMetricsErrors } from '../openapi/api-docs.js';
import { metricsValidationPipe } from '../read/validation.js';
import { Audited, AuditInterceptor, auditEntryFor } from '../security/audit.interceptor.js';
import { MetricsAccess, MetricsAccessGuard, type RequestWithActor } from '../security/metrics-access.guard.js';
import { LedgerQueryDto, ManualRevenueEntryDto } from './manual-revenue.dto.js';
import { ManualRevenueService, type LedgerEntryView } from './manual-revenue.service.js';

/** The revenue ledger (every MRR change with its cause) and manual revenue entries, admin only. */
@Controller()
@UseGuards(MetricsAccessGuard)
@MetricsAccess('admin')
@UseInterceptors(AuditInterceptor)
@ApiTags('metrics: billing')
@ApiMetricsErrors()
export class RevenueController {
  constructor(private readonly manual: ManualRevenueService) {}

  @Get('revenue/ledger')
  @ApiOperation({
    summary: 'MRR changes per customer and subscription, with their cause (Stripe events, sync, manual)',
  })
  @ApiOkResponse({ description: '{ entries: [...] }' })
  @Audited('read')
  @UsePipes(metricsValidationPipe)
  async ledger(@Query() query: LedgerQueryDto): Promise<{ entries: LedgerEntryView[] }> {
    return { entries: await this.manual.ledger(query) };
  }

  @Post('revenue/entries')
  @ApiOperation({ summary: 'Record a customer’s MRR from a day on (for revenue not on Stripe)' })
  @ApiCreatedResponse({ description: 'The ledger entry' })
  @Audited('revenue_entry', { byHandler: true })
  @HttpCode(201)
  @UsePipes(metricsValidationPipe)
  record(@Body() entry: ManualRevenueEntryDto, @Req() request: RequestWithActor): Promise<LedgerEntryView> {
    return this.manual.record(entry, request.metricsActor?.id ?? 'unknown', auditEntryFor(request, 'revenue_entry'));
  }
}
