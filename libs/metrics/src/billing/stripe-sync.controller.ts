import { Controller, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiMetricsErrors } from '../openapi/api-docs.js';
import { Audited, AuditInterceptor } from '../security/audit.interceptor.js';
import { MetricsAccess, MetricsAccessGuard } from '../security/metrics-access.guard.js';
import { StripeSyncService, type StripeSyncResult } from './stripe-sync.service.js';

/** POST stripe/sync: reconcile with Stripe's API (admin only, audited). */
@Controller()
@UseGuards(MetricsAccessGuard)
@MetricsAccess('admin')
@UseInterceptors(AuditInterceptor)
@ApiTags('metrics: billing')
@ApiMetricsErrors()
export class StripeSyncController {
  constructor(private readonly sync: StripeSyncService) {}

  @Post('stripe/sync')
  @ApiOperation({
    summary: 'Page through Stripe customers, subscriptions and open invoices and reconcile billing with them',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: Object.fromEntries(
        ['customers', 'subscriptions', 'open_invoices', 'rebuilt_subscriptions', 'reconciled', 'retries'].map((key) => [
          key,
          { type: 'integer' },
        ]),
      ),
    },
  })
  @Audited('stripe_sync')
  @HttpCode(200)
  run(): Promise<StripeSyncResult> {
    return this.sync.sync();
  }
}
