import {
  BadRequestException,
  Headers,
  HttpCode,
  InternalServerErrorException,
  NotFoundException,
  Post,
  Req,
  type RawBodyRequest,
} from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { InjectStripeSdk, type StripeSdk } from './stripe-client.js';
import { DataSource } from 'typeorm';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import type { StripeEventEnvelope } from './stripe-objects.js';
import { StripeEventsService, type StripeEventOutcome } from './stripe-events.service.js';
import { MetricsRoutes } from '../security/metrics-routes.decorator.js';

/** Stripe's default tolerance: a signed payload older than five minutes is a replay. */
const DEFAULT_TOLERANCE_SECONDS = 300;

const refuse = (field: string, message: string) =>
  new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `${field}: ${message}`,
    errors: [{ field, message }],
  });

/**
 * POST stripe/webhook (docs/revenue.md). No token: the signature over the raw body is the proof.
 * A verified event is stored once by id and applied in one transaction; the answer comes as soon as it is.
 */
@MetricsRoutes()
@ApiTags('metrics: billing')
export class StripeWebhookController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: StripeEventsService,
    private readonly config: MetricsConfigService,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    @InjectStripeSdk() private readonly sdk: StripeSdk,
  ) {}

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
  async receive(
    @Req() request: RawBodyRequest<Request>,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<{ received: true; id: string; outcome: StripeEventOutcome }> {
    const secret = this.options.stripe?.webhookSecret;
    if (!secret) throw new NotFoundException('Stripe webhooks are not configured (stripe.webhookSecret)');
    if (!signature) throw refuse('stripe-signature', 'the Stripe-Signature header is missing');
    if (!request.is('application/json')) throw refuse('content-type', 'must be application/json');
    if (!request.rawBody) {
      throw new InternalServerErrorException(
        'The Stripe webhook needs the raw body: create the app with NestFactory.create(AppModule, { rawBody: true })',
      );
    }
    let event: StripeEventEnvelope;
    try {
      // A webhook secret means Stripe is configured, so the SDK was loaded at start.
      event = this.sdk!.webhooks.constructEvent(
        request.rawBody,
        signature,
        secret,
        this.options.stripe?.webhookToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
      );
    } catch (error) {
      throw refuse('stripe-signature', (error as Error).message);
    }
    if (typeof event.id !== 'string' || typeof event.type !== 'string' || !Number.isInteger(event.created)) {
      throw refuse('body', 'a Stripe event needs id, type and created');
    }
    const { timezone } = await this.config.get();
    const outcome = await this.dataSource.transaction((manager) => this.events.apply(manager, event, timezone));
    return { received: true, id: event.id, outcome };
  }
}
