import { BadRequestException, Injectable, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { InjectStripeSdk, type StripeSdk } from './stripe-client.js';
import type { StripeEventEnvelope } from './stripe-objects.js';
import { StripeEventsService, type StripeEventOutcome } from './stripe-events.service.js';

/** Stripe's default tolerance: a signed payload older than five minutes is a replay. */
const DEFAULT_TOLERANCE_SECONDS = 300;

const refuse = (field: string, message: string) =>
  new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `${field}: ${message}`,
    errors: [{ field, message }],
  });

/** What POST stripe/webhook receives: the raw body, its signature header and whether it was sent as JSON. */
export interface WebhookDelivery {
  rawBody: Buffer | undefined;
  signature: string | undefined;
  isJson: boolean;
}

export interface WebhookReceipt {
  received: true;
  id: string;
  outcome: StripeEventOutcome;
}

/**
 * A Stripe webhook delivery (docs/revenue.md): the signature over the raw body is the proof, a verified event
 * is stored once by id and applied in one transaction, and the answer comes as soon as it is.
 */
@Injectable()
export class StripeWebhooks {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: StripeEventsService,
    private readonly config: MetricsConfigService,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    @InjectStripeSdk() private readonly sdk: StripeSdk,
  ) {}

  async receive({ rawBody, signature, isJson }: WebhookDelivery): Promise<WebhookReceipt> {
    const secret = this.options.stripe?.webhookSecret;
    if (!secret) throw new NotFoundException('Stripe webhooks are not configured (stripe.webhookSecret)');
    if (!signature) throw refuse('stripe-signature', 'the Stripe-Signature header is missing');
    if (!isJson) throw refuse('content-type', 'must be application/json');
    if (!rawBody) {
      throw new InternalServerErrorException(
        'The Stripe webhook needs the raw body: create the app with NestFactory.create(AppModule, { rawBody: true })',
      );
    }
    let event: StripeEventEnvelope;
    try {
      // A webhook secret means Stripe is configured, so the SDK was loaded at start.
      event = this.sdk!.webhooks.constructEvent(
        rawBody,
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
