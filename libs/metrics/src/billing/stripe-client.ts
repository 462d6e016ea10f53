import { Inject, type Provider } from '@nestjs/common';
import type Stripe from 'stripe';
import { loadOptionalPackage } from '../common/optional-package.js';
import { stripeConfigured } from '../common/stripe-configured.js';
import { METRICS_OPTIONS } from '../metrics.module-definition.js';
import type { MetricsStripeOptions, ResolvedMetricsOptions } from '../metrics.options.js';

/** The `stripe` SDK's class; null while Stripe is not configured. */
export type StripeSdk = typeof Stripe | null;
const STRIPE_SDK = Symbol('STRIPE_SDK');
export const InjectStripeSdk = () => Inject(STRIPE_SDK);

/**
 * The official SDK is an optional peer: loaded at start when Stripe is configured (so a missing package fails the
 * start with its name, not the first webhook), never otherwise.
 */
export const STRIPE_SDK_PROVIDER: Provider = {
  provide: STRIPE_SDK,
  inject: [METRICS_OPTIONS],
  useFactory: async (options: ResolvedMetricsOptions): Promise<StripeSdk> =>
    stripeConfigured(options.stripe)
      ? (await loadOptionalPackage('stripe', 'The Stripe integration (the stripe option)', () => import('stripe')))
          .default
      : null,
};

/**
 * The official SDK, pointed at `apiHost`/`apiPort`/`apiProtocol` when set (tests use a local server). The SDK
 * retries network errors and 5xx with backoff itself; 429s are retried by the sync (see stripe-pages.ts).
 */
export function createStripeClient(sdk: typeof Stripe, options: MetricsStripeOptions): Stripe {
  return new sdk(options.secretKey!, {
    ...(options.apiHost ? { host: options.apiHost } : {}),
    ...(options.apiPort ? { port: options.apiPort } : {}),
    ...(options.apiProtocol ? { protocol: options.apiProtocol } : {}),
    maxNetworkRetries: 2,
    timeout: 30_000,
    appInfo: { name: 'exec-metrics' },
  });
}
