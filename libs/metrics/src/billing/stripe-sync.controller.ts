import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Audited } from '../security/audit.interceptor.js';
import { StripeSyncService, type StripeSyncResult } from './stripe-sync.service.js';

/** POST stripe/sync: reconcile with Stripe's API (admin only, audited). */
@AdminRoutes('metrics: billing')
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
