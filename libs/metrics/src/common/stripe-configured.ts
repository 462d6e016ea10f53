import type { MetricsStripeOptions } from '../metrics.options.js';

/** Stripe counts as configured when a webhook secret or a secret key is set (docs/revenue.md). */
export const stripeConfigured = (options: MetricsStripeOptions | undefined): boolean =>
  Boolean(options?.webhookSecret || options?.secretKey);
