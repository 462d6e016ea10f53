import type { MetricsModuleOptions } from '@exec-metrics/metrics';
import type { Request } from 'express';

/** Who is an admin in this host: its own session user with the role 'owner'. */
interface HostUser {
  role?: string;
}

/**
 * The metrics, configured by the host. Signups and deactivations come from the host's own `users` table (integer
 * org ids as tenants); logins and activity are recorded through MetricsRecorder.
 */
export const metricsOptions: MetricsModuleOptions = {
  environment: 'host',
  timezone: 'Europe/Paris',
  adminTokens: [process.env.HOST_METRICS_TOKEN ?? 'host-admin-token'],
  schedule: { enabled: false },
  // Stripe only where the host has a key: the SDK (an optional peer) is loaded only then.
  ...(process.env.STRIPE_SECRET_KEY ? { stripe: { secretKey: process.env.STRIPE_SECRET_KEY } } : {}),
  isAdmin: (request: Request) => (request as Request & { user?: HostUser }).user?.role === 'owner',
  sources: {
    lifecycle: `(SELECT org_id AS tenant_id, id AS user_id, 'signup' AS type, created_at AS occurred_at FROM users
                 UNION ALL
                 SELECT org_id, id, 'deactivate', deactivated_at FROM users WHERE deactivated_at IS NOT NULL)`,
  },
};
