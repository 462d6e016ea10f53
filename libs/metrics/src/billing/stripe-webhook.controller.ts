import { Headers, HttpCode, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { MetricsRoutes } from '../security/metrics-routes.decorator.js';
import { StripeWebhooks, type WebhookReceipt } from './stripe-webhook.service.js';

/**
 * POST stripe/webhook (docs/revenue.md). No token: the signature over the raw body is the proof.
 * A verified event is stored once by id and applied in one transaction; the answer comes as soon as it is.
 */
@MetricsRoutes()
@ApiTags('metrics: billing')
export class StripeWebhookController {
  constructor(private readonly webhooks: StripeWebhooks) {}

  @Post('stripe/webhook')
  @ApiOperation({ summary: 'Stripe webhook endpoint: verified by signature (no token), each event stored once' })
  @ApiHeader({ name: 'stripe-signature', required: true, description: 'Stripe’s signature over the raw body' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { received: { type: 'boolean' }, id: { type: 'string' }, outcome: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse({ description: 'Missing or bad signature, stale timestamp, not JSON: nothing stored' })
  @HttpCode(200)
  receive(
    @Req() request: RawBodyRequest<Request>,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<WebhookReceipt> {
    return this.webhooks.receive({
      rawBody: request.rawBody,
      signature,
      isJson: Boolean(request.is('application/json')),
    });
  }
}
