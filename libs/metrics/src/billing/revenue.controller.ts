import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { Body, Get, HttpCode, Post, Query, Req, UsePipes } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { metricsValidationPipe } from '../common/validation.js';
import { Audited, auditEntryFor } from '../security/audit.interceptor.js';
import { type RequestWithActor } from '../security/metrics-access.guard.js';
import { LedgerQueryDto, ManualRevenueEntryDto } from './manual-revenue.dto.js';
import { ManualRevenueService, type LedgerEntryView } from './manual-revenue.service.js';
import { MAX_BATCH_ENTRIES, ManualRevenueBatchDto } from './manual-revenue-batch.js';

/** The revenue ledger (every MRR change with its cause) and manual revenue entries, admin only. */
@AdminRoutes('metrics: billing')
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

  @Post('revenue/entries/batch')
  @ApiOperation({
    summary: `Record up to ${MAX_BATCH_ENTRIES} manual entries at once: all or nothing, one audit record, errors by row`,
  })
  @ApiCreatedResponse({ description: '{ accepted, customers }' })
  @Audited('revenue_entry', { byHandler: true })
  @HttpCode(201)
  @UsePipes(metricsValidationPipe)
  recordBatch(
    @Body() batch: ManualRevenueBatchDto,
    @Req() request: RequestWithActor,
  ): Promise<{ accepted: number; customers: number }> {
    return this.manual.recordBatch(
      batch.entries,
      request.metricsActor?.id ?? 'unknown',
      auditEntryFor(request, 'revenue_entry'),
    );
  }
}
