import Stripe from 'stripe';
import type { MetricsStripeOptions } from '../metrics.options.js';

/** Stripe counts as configured when a webhook secret or a secret key is set (contract.md). */
export const stripeConfigured = (options: MetricsStripeOptions | undefined): boolean =>
  Boolean(options?.webhookSecret || options?.secretKey);

/**
 * The official SDK, pointed at `apiHost`/`apiPort`/`apiProtocol` when set (tests use a local server). The SDK
 * retries network errors and 5xx with backoff itself; 429s are retried by the sync (see stripe-pages.ts).
 */
export function createStripeClient(options: MetricsStripeOptions): Stripe {
  return new Stripe(options.secretKey!, {
    ...(options.apiHost ? { host: options.apiHost } : {}),
    ...(options.apiPort ? { port: options.apiPort } : {}),
    ...(options.apiProtocol ? { protocol: options.apiProtocol } : {}),
    maxNetworkRetries: 2,
    timeout: 30_000,
    appInfo: { name: 'exec-metrics' },
  });
}
