import { randomBytes } from 'node:crypto';

/** The demo app's settings, from the environment docs/getting-started.md lists; secrets are generated when absent. */
export interface DemoEnvironment {
  port: number;
  databaseUrl?: string;
  /** READ_DATABASE_URL: a hot standby of DATABASE_URL for the dashboard's reads. */
  readDatabaseUrl?: string;
  pgliteDir: string;
  adminToken: string;
  ingestToken?: string;
  adminEmail: string;
  adminPassword: string;
  demoData: boolean | 'auto';
  /** METRICS_SCHEDULE=off: no cron jobs and no catch-up (tests and one-off runs); on by default. */
  schedule: boolean;
  timezone: string;
  environment: string;
  /** METRICS_PROMETHEUS_TOKEN: enables GET /metrics for a scraper holding this bearer token. */
  prometheusToken?: string;
  stripe: {
    secretKey?: string;
    webhookSecret?: string;
    apiHost?: string;
    apiPort?: number;
    apiProtocol?: 'http' | 'https';
  };
  /** METRICS_ALERTS_ALLOW_PRIVATE=on: alert deliveries may target loopback and private networks (off by default). */
  alertsAllowPrivate: boolean;
  /** Which secrets were generated (and so must be printed for the person who started the app). */
  generated: string[];
}

const secret = () => randomBytes(18).toString('base64url');

export function readDemoEnvironment(env: NodeJS.ProcessEnv = process.env): DemoEnvironment {
  const generated: string[] = [];
  const orGenerate = (name: string, make: () => string) => {
    const value = env[name];
    if (value) return value;
    generated.push(name);
    return make();
  };
  const demo = (env.DEMO_DATA ?? 'auto').toLowerCase();
  const protocol = env.STRIPE_API_PROTOCOL;
  return {
    port: Number(env.PORT ?? 3000),
    databaseUrl: env.DATABASE_URL || undefined,
    readDatabaseUrl: env.READ_DATABASE_URL || undefined,
    pgliteDir: env.PGLITE_DIR ?? './.data/pglite',
    adminToken: orGenerate('METRICS_ADMIN_TOKEN', () => `mat_${secret()}`),
    ingestToken: env.METRICS_INGEST_TOKEN || undefined,
    adminEmail: orGenerate('ADMIN_EMAIL', () => 'admin@example.com'),
    adminPassword: orGenerate('ADMIN_PASSWORD', secret),
    demoData: demo === 'off' || demo === 'false' || demo === '0' ? false : demo === 'on' ? true : 'auto',
    schedule: (env.METRICS_SCHEDULE ?? 'on').toLowerCase() !== 'off',
    timezone: env.METRICS_TIMEZONE ?? 'UTC',
    environment: env.METRICS_ENVIRONMENT ?? 'demo',
    prometheusToken: env.METRICS_PROMETHEUS_TOKEN || undefined,
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY || undefined,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
      apiHost: env.STRIPE_API_HOST || undefined,
      apiPort: env.STRIPE_API_PORT ? Number(env.STRIPE_API_PORT) : undefined,
      apiProtocol: protocol === 'http' || protocol === 'https' ? protocol : undefined,
    },
    alertsAllowPrivate: (env.METRICS_ALERTS_ALLOW_PRIVATE ?? 'off').toLowerCase() === 'on',
    generated,
  };
}
